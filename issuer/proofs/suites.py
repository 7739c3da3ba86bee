"""The cryptosuites this project knows: one table, one entry per suite.

    suite = get("eddsa-jcs-2022")
    names = [s.name for s in for_signing()]  # what issuing accepts

Adding a suite is one module exporting a `Cryptosuite` and one entry below.
`DEFAULT_SUITE` signs what wallets and verifiers must read (status lists,
CLRs, presentations): Learner Credential Wallet and VerifierPlus verify rdfc only.
"""

from collections.abc import Mapping
from types import MappingProxyType

from issuer.proofs import ed25519_signature_2020, eddsa_jcs_2022, eddsa_rdfc_2022
from issuer.proofs.cryptosuite import Cryptosuite

SUITES: Mapping[str, Cryptosuite] = MappingProxyType(
    {
        suite.name: suite
        for suite in (
            eddsa_rdfc_2022.cryptosuite,
            eddsa_jcs_2022.cryptosuite,
            eddsa_rdfc_2022.legacy,
            ed25519_signature_2020.cryptosuite,
        )
    }
)
"""Every suite by name, signing suites first; the deprecated ones verify only."""

SIGNING_SUITES = tuple(name for name, suite in SUITES.items() if suite.signs)
"""Names of the suites we sign with (the API's and the CLI's choices)."""

DEFAULT_SUITE = eddsa_rdfc_2022.NAME
PROOF_TYPES = frozenset(suite.proof_type for suite in SUITES.values())


def get(name: str) -> Cryptosuite:
    """Return the suite called `name`; raise `KeyError` if there is none."""
    return SUITES[name]


def for_signing() -> tuple[Cryptosuite, ...]:
    """Return the suites we sign with, the default first."""
    return tuple(SUITES[name] for name in SIGNING_SUITES)
