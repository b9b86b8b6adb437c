"""asyncssh, imported without the warning newer pyca/cryptography prints about its DSA support.

asyncssh loads DSA at import and cryptography 48+ warns about it on stderr, the operator's
log. The demo never offers or accepts DSA keys, so the warning says nothing about it.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="DSA is deprecated")
    import asyncssh

__all__ = ["asyncssh"]
