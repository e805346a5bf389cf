"""Import: upload CSV files, a workbook or an export; a dry run reports every problem first,
the import runs on confirmation. Uploads are size-limited (MAX_CONTENT_LENGTH) and stored under
names we make, so no upload can reach outside its folder; that folder is the server's own
(`private_folder`), never a name in the temporary directory that someone else could have made
first."""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import secrets
import shutil
import stat
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, render_template, request
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from graphcrm.errors import InvalidValue
from graphcrm.ingest.files import FILE_ORDER, ImportResult, InvalidInput, import_path

from ..db import get_store
from ..views import api

bp = Blueprint("imports", __name__)
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
ALLOWED = tuple(f"{name}.csv" for name in FILE_ORDER)
UPLOAD_TTL_S = 3600.0  # an upload checked but not confirmed within an hour is removed
PREFIX = "graphcrm-uploads-"  # then the server's process id, "-", and mkdtemp's random part
_making = threading.Lock()  # one private folder per server, whichever thread uploads first


def private_folder() -> str:
    """A new folder for one server's uploads: under a name nobody could have taken first and
    readable by this user only (mkdtemp: 0700), naming this process, removed when it exits.
    Folders of this user's servers that are gone (killed -9: nothing removed them) are removed
    first, with any upload left in them."""
    temp = Path(tempfile.gettempdir())
    for left in temp.glob(f"{PREFIX}*-*"):
        pid = left.name.removeprefix(PREFIX).split("-", 1)[0]
        if pid.isdigit() and _private(left) and not _alive(int(pid)):
            shutil.rmtree(left, ignore_errors=True)
    folder = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=temp)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _private(folder: Path) -> bool:
    """Whether `folder` is a directory (not a link) of this user that nobody else can enter."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def _alive(pid: int) -> bool:
    """Whether process `pid` runs (on this machine, as this process sees it)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)  # signal 0: nothing is sent, the process is only looked up
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _base() -> Path:
    """The folder uploads go to: UPLOAD_DIR if the server was given one, else its own private
    folder, made on the first upload, and made anew (never under the old name) if it is gone or
    no longer private (a cleaner of the temporary directory removed it, someone put another in
    its place)."""
    if current_app.config["UPLOAD_DIR"]:
        base = Path(current_app.config["UPLOAD_DIR"])
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        return base
    with _making:
        folder = current_app.extensions.get("graphcrm_uploads")
        if folder is None or not _private(Path(folder)):
            folder = current_app.extensions["graphcrm_uploads"] = private_folder()
    return Path(folder)


def _sweep(base: Path) -> None:
    """Remove uploads checked but never confirmed, once `UPLOAD_TTL_S` old: they hold personal
    data, and nothing else would ever remove them."""
    cutoff = time.time() - UPLOAD_TTL_S
    for folder in base.iterdir():
        with contextlib.suppress(OSError):
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)


def _save(files: list[FileStorage]) -> tuple[str, Path]:
    """Store the uploads in a fresh folder; return its token and what to import from it."""
    files = [f for f in files if f and f.filename]
    if not files:
        raise InvalidValue(
            "choose a file to import: CSV files named as in the import formats, an .xlsx, or a .jsonl"
        )
    names = [secure_filename(f.filename or "").lower() for f in files]
    single = len(files) == 1 and names[0].endswith((".xlsx", ".jsonl"))
    wrong = [n for n in names if n not in ALLOWED] if not single else []
    if wrong:
        raise InvalidValue(
            f"cannot import {', '.join(wrong)}: expected files named {', '.join(ALLOWED)}, "
            "or one .xlsx workbook, or one .jsonl export"
        )
    token = secrets.token_urlsafe(24)
    _sweep(_base())
    folder = _base() / token
    folder.mkdir(mode=0o700)
    for upload, name in zip(files, names, strict=True):
        upload.save(folder / name)
    return token, (folder / names[0] if single else folder)


def _target(token: str) -> Path:
    if not TOKEN.match(token or "") or not (_base() / token).is_dir():
        raise InvalidValue("this upload is gone: upload the files again")
    folder = _base() / token
    single = [p for p in folder.iterdir() if p.suffix in (".xlsx", ".jsonl")]
    return single[0] if single else folder


def _run(path: Path, dry_run: bool) -> tuple[ImportResult | None, list[str]]:
    try:
        return import_path(get_store(), path, dry_run=dry_run, progress=False), []
    except InvalidInput as exc:
        return None, exc.problems


@bp.route("/import", methods=["GET"])
def form() -> Any:
    return render_template("imports/form.html", allowed=ALLOWED)


@bp.route("/import", methods=["POST"])
def check() -> Any:
    token, path = _save(request.files.getlist("files"))
    result, problems = _run(path, dry_run=True)
    if problems:
        shutil.rmtree(_base() / token, ignore_errors=True)
    return render_template(
        "imports/report.html",
        result=result,
        problems=problems,
        token=token,
        names=sorted(p.name for p in (_base() / token).glob("*")) if not problems else [],
    )


@bp.route("/import/confirm", methods=["POST"])
def confirm() -> Any:
    token = request.form.get("token", "")
    path = _target(token)
    try:
        result, problems = _run(path, dry_run=False)
    finally:
        shutil.rmtree(_base() / token, ignore_errors=True)
    return render_template("imports/done.html", result=result, problems=problems)


@bp.route("/api/import", methods=["POST"])
def import_api() -> Any:
    """Multipart `files`; `dry_run=0` to write (default: a dry run). Needs the X-CSRF-Token header."""
    token, path = _save(request.files.getlist("files"))
    try:
        result, problems = _run(path, dry_run=request.form.get("dry_run", "1") != "0")
    finally:
        shutil.rmtree(_base() / token, ignore_errors=True)
    return api(result=result, problems=problems), (400 if problems else 200)


@bp.route("/api/csrf-token")
def csrf_api() -> Any:
    from ..auth import csrf_token

    return api(csrf_token=csrf_token())
