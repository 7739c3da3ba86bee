"""Issue and verify Learning and Employment Records as Open Badges 3.0 credentials.

Importing this package has no side effects and does not import Flask.
"""

__version__ = "0.1.0"
