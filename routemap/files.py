"""Writing a file so that no reader ever sees half of it.

The data goes to a temporary file beside the target, which is then renamed over it: a
reader sees the old file or the whole new one, and a run killed half-way leaves only the
temporary file (named ``.<target>.<random>.tmp``). The file gets the permissions a plain
``open(path, "w")`` would give (what the umask allows), not ``mkstemp``'s 0600: maps,
route files and caches are meant to be shared.

>>> import tempfile
>>> from pathlib import Path
>>> target = Path(tempfile.mkdtemp()) / "routes.txt"
>>> write_atomically(target, ["Callao", " → ", "Antwerp"])
>>> target.read_text(encoding="utf-8")
'Callao → Antwerp'
>>> sorted(p.name for p in target.parent.iterdir())
['routes.txt']
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = ["write_atomically"]


def write_atomically(path: Path, data: str | bytes | Iterable[str] | Iterable[bytes]) -> None:
    """Write ``data`` (text, bytes, or their pieces; text as UTF-8, line ends as given)
    to ``path`` through a temporary file renamed over it. On any error the temporary
    file is removed and the error raised; ``path`` is then as it was."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            pieces = [data] if isinstance(data, (str, bytes)) else data
            for piece in pieces:
                handle.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
