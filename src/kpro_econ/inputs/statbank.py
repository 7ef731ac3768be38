"""Citizen counts from Statistics Denmark: table FOLK1A for one quarter, fetched from the StatBank API.

The API is documented at https://www.dst.dk/da/Statistik/hjaelp-til-statistikbanken/api (in English:
https://www.dst.dk/en/Statistik/hjaelp-til-statistikbanken/api): a request is POSTed to
`https://api.statbank.dk/v1/data` as a JSON object naming the table, the format and the values of
each variable; a variable left out is summed (KØN, ALDER and CIVILSTAND become their totals). In CSV
the answer is semicolon-separated, UTF-8, with a header of the variable codes, `OMRÅDE;TID;INDHOLD`,
and one row per area — exactly the export `registers.apply_folk1a` reads.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from kpro_econ.errors import KproError, ParamsError, Problem

STATBANK_DATA_URL = "https://api.statbank.dk/v1/data"
TIMEOUT_S = 30
_QUARTER = re.compile(r"\d{4}K[1-4]")


class StatbankError(KproError):
    """Statistics Denmark could not be reached, or answered with an error; the message is one Danish line."""


def folk1a_request(quarter: str) -> dict[str, object]:
    """The JSON body asking for FOLK1A's total population of every area in `quarter`, as CSV."""
    return {
        "table": "FOLK1A",
        "format": "CSV",
        "variables": [{"code": "OMRÅDE", "values": ["*"]}, {"code": "Tid", "values": [quarter]}],
    }


def check_quarter(quarter: str) -> None:
    if not _QUARTER.fullmatch(quarter):
        raise ParamsError([Problem("kpro-econ folk1a", "--quarter", "ikke et kvartal som 2025K1", quarter)])


def check_url(url: str) -> None:
    """Only an http or https address is fetched: `--url` must not open a local file or a custom scheme."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ParamsError([Problem("kpro-econ folk1a", "--url", "ikke en http- eller https-adresse", url)])


def fetch_folk1a(quarter: str, url: str = STATBANK_DATA_URL, timeout: float = TIMEOUT_S) -> bytes:
    """FOLK1A for `quarter` as the API's CSV; a StatbankError (one Danish line) when that fails."""
    check_quarter(quarter)
    check_url(url)
    body = json.dumps(folk1a_request(quarter)).encode("utf-8")
    request = urllib.request.Request(url, data=body,  # noqa: S310 (check_url: http or https only) method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    where = f"Danmarks Statistik ({url})"
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (check_url: http(s) only)
            data: bytes = response.read()
    except urllib.error.HTTPError as exc:
        raise StatbankError(f"{where} svarede med fejl {exc.code}: {_error_text(exc)}; intet er skrevet") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise StatbankError(f"Kunne ikke hente FOLK1A fra {where}: ingen forbindelse ({reason}); intet er skrevet") \
            from None
    _check_answer(data, quarter, where)
    return data


def _error_text(exc: urllib.error.HTTPError) -> str:
    """The service's own message (a JSON object with `message`), else the HTTP reason, on one line."""
    try:
        text = exc.read().decode("utf-8", errors="replace")
        message = json.loads(text).get("message", text)
    except (OSError, ValueError, AttributeError):
        message = exc.reason
    return " ".join(str(message).split())[:200]


def _check_answer(data: bytes, quarter: str, where: str) -> None:
    """The answer is a FOLK1A CSV for the quarter: OMRÅDE;TID;INDHOLD and at least one row of it."""
    text = data.decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = [cell.strip().upper() for cell in rows[0]] if rows else []
    if not {"OMRÅDE", "TID", "INDHOLD"} <= set(header):
        raise StatbankError(f"{where} svarede ikke med en FOLK1A-tabel (første linje: {text[:60]!r}); "
                            "intet er skrevet")
    tid = header.index("TID")
    if not any(len(row) > tid and row[tid].strip() == quarter for row in rows[1:]):
        raise StatbankError(f"{where} har ingen tal for {quarter} i FOLK1A; intet er skrevet")



def params_line(out: Path, params_dir: Path = Path("params")) -> str:
    """The params line that uses the file: its path relative to the params folder, as params paths are."""
    try:
        target = os.path.relpath(out.resolve(), params_dir.resolve()) if params_dir.is_dir() else str(out.resolve())
    except ValueError:  # on Windows, another drive than the params folder's
        target = str(out.resolve())
    return f"allocation:\n  population: {Path(target).as_posix()}"
