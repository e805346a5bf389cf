"""Import: upload CSV files, a workbook or an export; a dry run reports every problem first,
the import runs on confirmation. Uploads are size-limited (MAX_CONTENT_LENGTH) and stored under
names we make, so no upload can reach outside its folder."""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, render_template, request
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from graphcrm.errors import InvalidValue
from graphcrm.importer import FILE_ORDER, ImportResult, InvalidInput, import_path

from ..db import get_store
from ..views import api

bp = Blueprint("imports", __name__)
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
ALLOWED = tuple(f"{name}.csv" for name in FILE_ORDER)
UPLOAD_TTL_S = 3600.0  # an upload checked but not confirmed within an hour is removed


def _base() -> Path:
    base = Path(current_app.config.get("UPLOAD_DIR") or Path(tempfile.gettempdir()) / "graphcrm-uploads")
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    return base


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
