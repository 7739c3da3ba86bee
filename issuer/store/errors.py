"""Store-level exceptions: what services may catch, whatever database is behind the store."""


class StoreError(Exception):
    """A write the store refused."""


class AlreadyIssued(StoreError):
    """A concurrent transaction stored an active credential with the same dedupe key (the
    insert was refused and the transaction rolled back: look the credential up and answer
    it, or try again without it)."""
