"""`kpro-econ folk1a`: FOLK1A from Statistics Denmark's StatBank API, served here by a local HTTP server.

The request and the answer follow the API's documentation, "Statistikbank API"
(https://www.dst.dk/da/Statistik/hjaelp-til-statistikbanken/api, in English
https://www.dst.dk/en/Statistik/hjaelp-til-statistikbanken/api, section "Metadata og data" / "Metadata
and data"): a JSON object POSTed to https://api.statbank.dk/v1/data with `table`, `format` and
`variables` (each a `code` and its `values`, `*` for all); in CSV the answer is semicolon-separated
UTF-8 with the variable codes as header (`OMRÅDE;TID;INDHOLD`) and the areas by name. The fixture
`fixtures/statbank/folk1a_2025K1.csv` is a small answer in that format (a handful of areas; the
figures are illustrative). No test here touches the network: the server listens on 127.0.0.1.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO

from kpro_econ.cli import main
from kpro_econ.inputs.registers import apply_folk1a
from kpro_econ.inputs.tables import read_table

FIXTURE = REPO / "tests" / "fixtures" / "statbank" / "folk1a_2025K1.csv"


class Service:
    """What the local stand-in for api.statbank.dk received, and what it answers next."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, object]]] = []
        self.status = 200
        self.body = FIXTURE.read_bytes()
        self.content_type = "text/csv; charset=utf-8"


@pytest.fixture
def service() -> Iterator[tuple[Service, str]]:
    state = Service()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            state.requests.append((self.path, self.headers["Content-Type"], json.loads(self.rfile.read(length))))
            self.send_response(state.status)
            self.send_header("Content-Type", state.content_type)
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/v1/data"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_fetches_the_quarter_writes_the_answer_and_prints_the_params_line(
    service: tuple[Service, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    state, url = service
    (tmp_path / "params").mkdir()
    monkeypatch.chdir(tmp_path)

    code = main(["folk1a", "--quarter", "2025K1", "--out", "data/folk1a_2025K1.csv", "--url", url])

    assert code == 0, capsys.readouterr().err
    assert state.requests == [("/v1/data", "application/json; charset=utf-8", {
        "table": "FOLK1A", "format": "CSV",
        "variables": [{"code": "OMRÅDE", "values": ["*"]}, {"code": "Tid", "values": ["2025K1"]}],
    })]
    out = tmp_path / "data" / "folk1a_2025K1.csv"
    assert out.read_bytes() == FIXTURE.read_bytes()
    assert "allocation:\n  population: ../data/folk1a_2025K1.csv" in capsys.readouterr().out
    assert [p.name for p in out.parent.iterdir()] == ["folk1a_2025K1.csv"]  # no temporary file left


def test_the_written_file_is_what_the_folk1a_reader_takes(service: tuple[Service, str], tmp_path: Path) -> None:
    _, url = service
    out = tmp_path / "folk1a.csv"
    assert main(["folk1a", "--quarter", "2025K1", "--out", str(out), "--url", url]) == 0
    municipalities = pd.DataFrame({
        "code": [101, 851, 813, 825], "name": ["København", "Aalborg", "Frederikshavn", "Læsø"],
        "citizens": [1, 1, 1, 1], "citizens_date": pd.NaT, "citizens_source": "x", "citizens_is_sample": True,
    })
    counts = apply_folk1a(municipalities, read_table(out), str(out)).set_index("code")
    assert counts["citizens"].to_dict() == {101: 667099, 851: 222827, 813: 58474, 825: 1741}
    assert set(counts["citizens_source"]) == {"Danmarks Statistik, FOLK1A 2025K1"}
    assert not counts["citizens_is_sample"].any()


def _refused(capsys: pytest.CaptureFixture[str], out: Path, *argv: str) -> str:
    code = main(["folk1a", "--quarter", "2025K1", "--out", str(out), *argv])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    return captured.err


def test_offline_is_one_danish_line_exit_1_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as free:  # a port nobody listens on once closed
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    out = tmp_path / "folk1a.csv"
    err = _refused(capsys, out, "--url", f"http://127.0.0.1:{port}/v1/data")
    assert err.startswith("Kunne ikke hente FOLK1A fra Danmarks Statistik") and "ingen forbindelse" in err
    assert not tmp_path.joinpath("folk1a.csv").exists() and list(tmp_path.iterdir()) == []


def test_a_service_error_keeps_the_existing_file(
    service: tuple[Service, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state, url = service
    state.status, state.content_type = 400, "application/json"
    state.body = json.dumps({"errorTypeCode": "EXTRACT-NOTFOUND", "message": "Tid: ukendt værdi 2025K1"}).encode()
    out = tmp_path / "folk1a.csv"
    out.write_text("tidligere\n", encoding="utf-8")
    err = _refused(capsys, out, "--url", url)
    assert "svarede med fejl 400: Tid: ukendt værdi 2025K1" in err
    assert out.read_text(encoding="utf-8") == "tidligere\n"
    assert list(tmp_path.iterdir()) == [out]


def test_an_answer_without_the_quarter_is_refused(
    service: tuple[Service, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state, url = service
    state.body = FIXTURE.read_bytes().replace(b"2025K1", b"2024K4")
    out = tmp_path / "folk1a.csv"
    assert "ingen tal for 2025K1" in _refused(capsys, out, "--url", url)
    assert not out.exists()


def test_a_bad_quarter_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "folk1a.csv"
    assert main(["folk1a", "--quarter", "2025Q1", "--out", str(out), "--url", "http://127.0.0.1:9/"]) == 2
    assert capsys.readouterr().err.strip() == "kpro-econ folk1a: --quarter: ikke et kvartal som 2025K1 (fik '2025Q1')"
    assert not out.exists()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://api.statbank.dk/v1/data"])
def test_only_an_http_address_is_fetched(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "folk1a.csv"
    assert main(["folk1a", "--quarter", "2025K1", "--out", str(out), "--url", url]) == 2
    said = capsys.readouterr().err.strip()
    assert said == f"kpro-econ folk1a: --url: ikke en http- eller https-adresse (fik '{url}')"
    assert not out.exists()
