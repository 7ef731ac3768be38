"""The command line: parses arguments and calls the package, nothing more."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from kpro_econ import __version__
from kpro_econ.errors import KproError, NotebookRunError, ParamsError, Problem, suggestion
from kpro_econ.report.cli_texts import VERSION_HELP, DanishArgumentParser


def main(argv: Sequence[str] | None = None) -> int:
    # Danish help, examples and exit codes for every command: report/cli_texts.py.
    parser = DanishArgumentParser(prog="kpro-econ")
    parser.add_argument("--version", action="version", version=f"kpro-econ {__version__}", help=VERSION_HELP)
    commands = parser.add_subparsers(dest="command", required=True, title="kommandoer", metavar="KOMMANDO")

    validate = commands.add_parser("validate", help="kontrollér en parameterfil og hver fil, den henviser til")
    validate.add_argument("params", type=Path, help="parameterfilen (YAML), fx params/default.yaml")

    run = commands.add_parser("run", help="kør notesbøgerne og skriv en kørselsmappe med rapporterne")
    run.add_argument("params", type=Path, help="parameterfilen (YAML), fx params/default.yaml")
    run.add_argument("--out", type=Path, default=Path("reports"), help="mappen til kørselsmapperne (standard: reports)")
    run.add_argument("--run-id", help="kørselsmappens navn (standard: starttidspunkt og parameterfilens navn)")
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="STI=VÆRDI",
                     help="ændr én værdi i parametrene for denne kørsel (VÆRDI læses som YAML); kan gentages")
    run.add_argument("--only", action="append", default=[], metavar="NAVN",
                     help="lav kun denne rapport (fx cost_model); kan gentages. En delvis kørsel kan ikke godkendes")
    run.add_argument("--key", type=Path,
                     help="signér kørslen med din private SSH-nøgle, fx ~/.ssh/id_ed25519 (sammen med --as)")
    run.add_argument("--as", dest="identity",
                     help="din identitet i filen med godkendere, fx bent@rn.dk (sammen med --key)")
    run.add_argument("--pdf", action="store_true",
                     help="udskriv også hele pakken som én PDF med indhold og sidetal (pakke.pdf i kørselsmappen)")
    run.add_argument("--browser", default=None,
                     help="browseren der udskriver pakke.pdf (med --pdf): en sti til Chrome/Edge/Chromium eller "
                          "en installeret kanal (chrome, msedge); standard /usr/bin/chromium")

    params = commands.add_parser("params", help="vis hvert tal i en parameterfil med enhed, prisår og kilde")
    params.add_argument("params", type=Path, help="parameterfilen (YAML), fx params/default.yaml")
    params.add_argument("--scenario", help="et scenaries tal i stedet for basisscenariets")
    params.add_argument("--csv", action="store_true", help="som CSV (komma, punktum som decimaltegn)")

    approve = commands.add_parser("approve", help="godkend en kørsel internt, signeret med din SSH-nøgle")
    approve.add_argument("run", type=Path, help="kørselsmappen, fx reports/20261125-184512-default")
    approve.add_argument("--as", dest="identity", required=True,
                         help="din identitet i filen med godkendere (allowed signers), fx anna@rn.dk")
    approve.add_argument("--key", type=Path,
                         help="din private SSH-nøgle, fx ~/.ssh/id_ed25519 (kan udelades kun når "
                              "params siger approval.signatures: optional)")
    approve.add_argument("--role", help="din rolle, fx afdelingsleder (params' approval.roles går forud)")
    approve.add_argument("--note", help="en bemærkning, der signeres med godkendelsen")

    release = commands.add_parser("release", help="lav forretningsstyregruppens pakke af en godkendt, uændret kørsel")
    release.add_argument("run", type=Path, help="kørselsmappen, fx reports/20261125-184512-default")
    release.add_argument("--as", dest="identity",
                         help="din identitet i filen med godkendere (allowed signers), fx anna@rn.dk")
    release.add_argument("--key", type=Path,
                         help="din private SSH-nøgle, som frigivelsen signeres med (kan udelades kun når "
                              "params siger approval.signatures: optional)")
    release.add_argument("--browser", default=None,
                         help="browseren der udskriver PDF'en: en sti til Chrome/Edge/Chromium eller en "
                              "installeret kanal (chrome, msedge); standard /usr/bin/chromium")

    status = commands.add_parser("status", help="vis kørslerne og deres tilstand")
    status.add_argument("run", type=Path, nargs="?", help="én kørselsmappe (standard: alle kørsler i --out)")
    status.add_argument("--out", type=Path, default=Path("reports"),
                        help="mappen med kørselsmapperne (standard: reports)")

    compare = commands.add_parser("compare", help="sammenlign to kørslers tabeller side om side på én side")
    compare.add_argument("run_a", type=Path, metavar="KØRSEL_A", help="den første kørsel, fx den forrige")
    compare.add_argument("run_b", type=Path, metavar="KØRSEL_B", help="den anden kørsel, fx den nye")
    compare.add_argument("--out", type=Path, default=None,
                         help="HTML-filen (standard: compare-A-B.html i mappen med kørsel B)")

    approvers = commands.add_parser("approvers", help="registrér og vis, hvem der må godkende (signeret i loggen)")
    approver_commands = approvers.add_subparsers(dest="approvers_command", required=True, title="kommandoer",
                                                 metavar="KOMMANDO")
    add = approver_commands.add_parser("add", help="registrér params/approvers og approval-reglerne, som de er nu")
    add.add_argument("params", type=Path, nargs="?", default=Path("params") / "default.yaml",
                     help="parameterfilen, hvis approval-afsnit nævner filen med godkendere "
                          "(standard: params/default.yaml)")
    add.add_argument("--key", type=Path, required=True, help="din private SSH-nøgle, fx ~/.ssh/id_ed25519")
    add.add_argument("--as", dest="identity", required=True,
                     help="din identitet i den hidtil registrerede fil med godkendere, fx anna@rn.dk")
    add.add_argument("--out", type=Path, default=Path("reports"),
                     help="mappen med kørselsmapperne og godkendelsesloggen (standard: reports)")
    shown = approver_commands.add_parser("list", help="vis hver registreret udgave af filen med godkendere")
    shown.add_argument("--out", type=Path, default=Path("reports"),
                       help="mappen med kørselsmapperne og godkendelsesloggen (standard: reports)")
    verify = commands.add_parser("verify", help="kontrollér at en PDF eller HTML er præcis en frigivet fil "
                                                "(resuméet eller hele pakken)")
    verify.add_argument("file", type=Path, help="den frigivne fil, fx \"Bilag - Risikorapport Kommunal PRO "
                                                 "2. halvår 2026.pdf\"")
    verify.add_argument("--out", type=Path, default=Path("reports"),
                        help="mappen med kørselsmapperne og godkendelsesloggen (standard: reports)")

    folk1a = commands.add_parser("folk1a", help="hent indbyggertal (FOLK1A) for et kvartal fra Danmarks Statistik")
    folk1a.add_argument("--quarter", required=True, help="kvartalet, fx 2025K1")
    folk1a.add_argument("--out", type=Path, required=True, help="CSV-filen, fx data/folk1a_2025K1.csv")
    folk1a.add_argument("--url", default=None, help="Statistikbankens data-adresse (standard: api.statbank.dk)")

    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args.params)
        if args.command == "run":
            return _run(args.params, args.out, args.run_id, args.overrides, args.only, args.key, args.identity,
                        args.browser, args.pdf)
        if args.command == "params":
            return _params(args.params, args.scenario, args.csv)
        if args.command == "approve":
            return _approve(args.run, args.identity, args.key, args.role, args.note)
        if args.command == "release":
            return _release(args.run, args.browser, args.key, args.identity)
        if args.command == "status":
            return _status(args.run, args.out)
        if args.command == "compare":
            return _compare(args.run_a, args.run_b, args.out)
        if args.command == "approvers" and args.approvers_command == "add":
            return _approvers_add(args.params, args.identity, args.key, args.out)
        if args.command == "approvers":
            return _approvers_list(args.out)
        if args.command == "verify":
            return _verify(args.file, args.out)
        if args.command == "folk1a":
            return _folk1a(args.quarter, args.out, args.url)
    except ParamsError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    except NotebookRunError as exc:
        print(f"Kørslen fejlede: {exc}", file=sys.stderr)
        if exc.executed:
            print(f"Den kørte notesbog med output og fejl: {exc.executed}", file=sys.stderr)
        return 1
    except KproError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def _validate(params: Path) -> int:
    from kpro_econ.inputs.load import load_inputs
    from kpro_econ.records.history import RunArchive

    inputs = load_inputs(params, earlier=RunArchive())
    names = ", ".join(inputs.scenarios)
    print(f"OK: {params} ({len(inputs.files)} filer; scenarier: {names})")
    return 0


def _run(params: Path, out: Path, run_id: str | None, overrides: list[str], only: list[str],
         key: Path | None, identity: str | None, browser: str | None, pdf: bool) -> int:
    from kpro_econ.records.maker import Maker
    from kpro_econ.run.pdf import DEFAULT_BROWSER
    from kpro_econ.run.runner import run_workbook

    maker = Maker.given(key, identity)
    try:
        run_dir = run_workbook(params, out_dir=out, run_id=run_id, overrides=overrides, only=only, maker=maker,
                               pdf_browser=(browser or DEFAULT_BROWSER) if pdf else None)
    except NotebookRunError:  # the failed run is in the folder too
        _overview(out)
        raise
    _overview(out)
    print(f"Rapporterne er klar: {run_dir / 'index.html'}")
    return 0


def _overview(out: Path) -> None:
    """Rewrite `OUT/index.html`, the overview of the runs; saying in one line, never failing, when it cannot."""
    from kpro_econ.release.overview import write_overview

    problem = write_overview(out)
    if problem is not None:
        print(problem, file=sys.stderr)


def _params(params: Path, scenario: str | None, as_csv: bool) -> int:
    from kpro_econ.inputs.overrides import ParamsReader
    from kpro_econ.inputs.yaml_params import load_params
    from kpro_econ.params.codes import BASE_SCENARIO
    from kpro_econ.report.params_listing import params_listing, params_text

    scenarios = load_params(params, ParamsReader())[0]
    name = scenario or BASE_SCENARIO
    if name not in scenarios:
        choices = ", ".join(scenarios)
        message = f"ukendt scenarie; vælg et af: {choices}" + suggestion(name, scenarios)
        raise ParamsError([Problem(f"--scenario {name}", "--scenario NAVN", message)])
    listing = params_listing(scenarios[name])
    if as_csv:
        sys.stdout.write(listing.to_csv(index=False, lineterminator="\n"))
    else:
        print(params_text(scenarios[name]))
    return 0


def _approve(run: Path, identity: str, key: Path | None, role: str | None, note: str | None) -> int:
    from kpro_econ.release.approval import approve
    from kpro_econ.release.stamp import refresh_pack_status
    from kpro_econ.report.formatting import approver_name

    try:
        outcome = approve(run, identity, key, role, note)
    except KproError:
        refresh_pack_status(run)  # a run refused because it changed after approval: its pages say so too
        raise
    _overview(run.parent)
    approval = outcome.approval
    if outcome.genesis is not None:
        first = outcome.genesis
        print(f"Første udgave af {first.path} (sha256 {first.sha256[:12]}…) og approval-reglerne registreret i "
              f"godkendelsesloggen, signeret af {first.identity} med nøglen {first.fingerprint}; "
              "kontrollér den med kpro-econ approvers list")
    who = approver_name(approval)
    signed = "signatur ok" if approval.signature is not None else "usigneret"
    missing = outcome.required - outcome.count
    more = f"; mangler {missing} godkendelse{'r' if missing > 1 else ''} mere" if missing > 0 else ""
    print(f"Godkendt: {run.name} af {who}, {signed}{more}")
    return 0


def _release(run: Path, browser: str | None, key: Path | None, identity: str | None) -> int:
    from kpro_econ.release.stamp import refresh_pack_status
    from kpro_econ.release.steering_pack import release
    from kpro_econ.run.pdf import DEFAULT_BROWSER

    try:
        pdf = release(run, browser=browser or DEFAULT_BROWSER, key=key, identity=identity)
    except KproError:
        refresh_pack_status(run)  # a run refused because it changed after approval: its pages say so too
        raise
    _overview(run.parent)
    print(f"Frigivet til forretningsstyregruppen: {pdf}")
    return 0


def _status(run: Path | None, out: Path) -> int:
    from kpro_econ.records.run_records import LEDGER
    from kpro_econ.release.approval import run_folders
    from kpro_econ.release.status import ledger_lines, status_lines

    folders = [run] if run is not None else run_folders(out)
    if not folders:
        print(f"Ingen kørsler i {out}")
    for folder in folders:
        for line in status_lines(folder):
            print(line)
    if run is None:  # the whole reports folder: and its ledger's head, and its overview page rewritten
        for line in ledger_lines(out / LEDGER):
            print(line)
        if folders:
            _overview(out)
    return 0


def _compare(run_a: Path, run_b: Path, out: Path | None) -> int:
    from kpro_econ.release.compare import write_comparison

    print(f"Sammenligningen er klar: {write_comparison(run_a, run_b, out)}")
    return 0


def _verify(file: Path, out: Path) -> int:
    from kpro_econ.release.verify import verify_file

    print(verify_file(file, out))
    return 0


def _approvers_add(params: Path, identity: str, key: Path, out: Path) -> int:
    from kpro_econ.release.approvers import record_signers

    done = record_signers(params, identity, key, out)
    record = done.record
    if not done.new:
        print(f"{record.path} og approval-reglerne i {params.as_posix()} er allerede registreret "
              f"(af {record.identity} {record.recorded_at}); intet skrevet")
        return 0
    first = "Første udgave registreret" if record.prev_sha256 == "0" * 64 else "Registreret"
    changes = [f"tilføjet: {', '.join(done.added)}"] if done.added else []
    changes += [f"fjernet: {', '.join(done.removed)}"] if done.removed else []
    print(f"{first} i godkendelsesloggen: {record.path} (sha256 {record.sha256[:12]}…) og approval-reglerne i "
          f"{params.as_posix()}, signeret af {record.identity} med nøglen {record.fingerprint}"
          f"{'; ' + '; '.join(changes) if changes else ''}. Kørsler lavet herefter godkendes efter den; "
          "en tidligere kørsel skal laves igen")
    return 0


def _approvers_list(out: Path) -> int:
    from kpro_econ.release.approvers import listed, versions

    records, problems = versions(out)
    if not records:
        print(f"Ingen fil med godkendere er registreret i {out.as_posix()}/approvals.jsonl endnu; den første "
              "signerede godkendelse (eller kpro-econ approvers add) registrerer den")
    for number, record in enumerate(records, start=1):
        first = "  (første udgave)" if number == 1 else ""
        print(f"{number}  {record.recorded_at}  {record.path} sha256 {record.sha256[:12]}…  registreret af "
              f"{record.identity} ({record.fingerprint}){first}")
        print(f"   godkendere: {', '.join(listed(record.content)) or 'ingen'}; "
              f"kræver {record.rules.get('required', 1)}")
    for problem in problems:
        print(f"afviger: {problem}")
    return 1 if problems else 0


def _folk1a(quarter: str, out: Path, url: str | None) -> int:
    from kpro_econ.inputs import statbank
    from kpro_econ.inputs.files import write_atomically

    data = statbank.fetch_folk1a(quarter, url or statbank.STATBANK_DATA_URL)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(out, data)
    print(f"FOLK1A {quarter} er gemt i {out}. Brug den i parametrene:\n{statbank.params_line(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
