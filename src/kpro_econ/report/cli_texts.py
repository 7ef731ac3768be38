"""The command line's Danish texts: what each command does, examples and exit codes, argparse in Danish.

`cli.py` builds its parser with `DanishArgumentParser`; every parser it makes (the program and each
command) takes its description and its epilog (examples, exit codes) from `COMMANDS` by name, and
argparse's own words (usage, headings, `--help`, its error messages) are said in Danish. A command
not described here keeps the texts `cli.py` gives it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

PROGRAM = "kpro-econ"


@dataclass(frozen=True)
class CommandText:
    """What `kpro-econ COMMAND --help` says above and below the arguments."""

    description: str
    examples: Sequence[str] = ()
    exit_codes: dict[int, str] = field(default_factory=dict)
    guides: Sequence[str] = ()

    def epilog(self) -> str:
        lines = ["Eksempler:", *(f"  {example}" for example in self.examples)] if self.examples else []
        if self.exit_codes:
            lines += ["", "Afslutningskoder:"] if lines else ["Afslutningskoder:"]
            lines += [f"  {code}  {meaning}" for code, meaning in sorted(self.exit_codes.items())]
        if self.guides:
            lines += ["", "Vejledninger (i projektmappen):"] if lines else ["Vejledninger (i projektmappen):"]
            lines += [f"  {GUIDES[guide]}" for guide in self.guides]
        return "\n".join(lines)


CONTROLLER_GUIDE = "docs/kontrollant.md"
APPROVER_GUIDE = "docs/godkendelse.md"
GUIDES = {
    CONTROLLER_GUIDE: f"{CONTROLLER_GUIDE}  controllerens vejledning: parametre, registre, kørsel, fejl, --set, Excel",
    APPROVER_GUIDE: f"{APPROVER_GUIDE}  godkenderens vejledning: nøgle, godkendelse, frigivelse, kontrol",
}
"""The Danish guides for the people who use the workbook, by their path in the project folder."""


RUN_ID_EXAMPLE = "reports/20261125-184512-default"
RELEASED_PDF_EXAMPLE = "Bilag - Risikorapport Kommunal PRO 2. halvår 2026.pdf"

COMMANDS: dict[str, CommandText] = {
    PROGRAM: CommandText(
        description=(
            "Økonomi og risici for Kommunal PRO (Region Nordjylland, Digitalisering og IT).\n\n"
            "Validerer parametre og registre, kører notesbøgerne og laver rapporterne (HTML på dansk),\n"
            "som Digitalisering og IT godkender internt, før et resumé går til forretningsstyregruppen.\n"
            "Skriv kpro-econ KOMMANDO --help for at læse mere om en kommando."
        ),
        examples=(
            "kpro-econ validate params/default.yaml",
            "kpro-econ run params/default.yaml",
            f"kpro-econ approve {RUN_ID_EXAMPLE} --key ~/.ssh/id_ed25519 --as anna@rn.dk",
            f"kpro-econ release {RUN_ID_EXAMPLE} --key ~/.ssh/id_ed25519 --as anna@rn.dk",
            "kpro-econ status",
            f"kpro-econ compare reports/20260601-090000-default {RUN_ID_EXAMPLE}",
            "kpro-econ approvers add --key ~/.ssh/id_ed25519 --as anna@rn.dk",
            f'kpro-econ verify "{RELEASED_PDF_EXAMPLE}"',
            "kpro-econ folk1a --quarter 2025K1 --out data/folk1a_2025K1.csv",
        ),
        exit_codes={
            0: "gik godt",
            1: "en notesbog fejlede, en godkendelse eller frigivelse blev afvist, eller en fil er\n"
               "     ikke den frigivne (beskeden siger hvorfor)",
            2: "ugyldigt input: én linje pr. problem (FIL[:LINJE]: felt: hvad er galt),\n"
               "     intet skrevet",
        },
        guides=(CONTROLLER_GUIDE, APPROVER_GUIDE),
    ),
    "validate": CommandText(
        description=(
            "Indlæser og kontrollerer parameterfilen og hver fil, den henviser til (registre, kommuner,\n"
            "KPI-data). Hvert problem står på sin egen linje: FIL[:LINJE]: felt: hvad er galt.\n"
            "Intet skrives."
        ),
        examples=("kpro-econ validate params/default.yaml",),
        exit_codes={0: "parametrene og filerne er gyldige", 2: "ugyldige; hvert problem er skrevet på sin linje"},
    ),
    "run": CommandText(
        description=(
            "Kontrollerer input, kører alle notesbøger i notebooks/ parallelt og skriver kørselsmappen\n"
            "OUT/<kørsels-id>/: index.html (forsiden), én rapport pr. notesbog, data/ (CSV og Excel) og\n"
            "manifest.json. Kørte notesbøger (med output, til fejlsøgning) lægges i build/<kørsels-id>/.\n"
            "Tidligere kørsler røres aldrig. Med --key og --as signerer du kørslen (manifest.sig), så\n"
            "approval.exclude_runner kan se, at godkenderen ikke selv lavede den. En kørsel med --only er\n"
            "delvis og kan ikke godkendes."
        ),
        examples=(
            "kpro-econ run params/default.yaml",
            "kpro-econ run params/default.yaml --out rapporter --run-id budget-2027",
            "kpro-econ run params/default.yaml --set discount_rate=0.04 --set fte.annual_cost.value=720000",
            "kpro-econ run params/default.yaml --only cost_model",
            "kpro-econ run params/default.yaml --key ~/.ssh/id_ed25519 --as bent@rn.dk",
        ),
        exit_codes={
            0: "rapporterne er klar; stien til index.html skrives",
            1: "en notesbog fejlede: notesbog, celle (talt fra 1 som i JupyterLab), fejlen og\n"
               "     stien til den kørte notesbog skrives",
            2: "ugyldigt input; intet skrevet",
        },
        guides=(CONTROLLER_GUIDE,),
    ),
    "params": CommandText(
        description=(
            "Viser hver sti, run --set STI=VÆRDI kan ændre, grupperet efter afsnit i parameterfilen:\n"
            "værdi med enhed (andele i procent), prisår og kilde. En andel skrives som decimaltal med\n"
            "punktum: --set discount_rate=0.04 er 4 %. En aftale nås ved sit id, fx\n"
            "--set budget.agreements.support.tolerance_dkk=50."
        ),
        examples=("kpro-econ params params/default.yaml",
                  "kpro-econ params params/default.yaml --scenario \"Supportpris i top\" --csv"),
        exit_codes={0: "listen er skrevet", 2: "ugyldige parametre; hvert problem er skrevet på sin linje"},
    ),
    "approve": CommandText(
        description=(
            "Kontrollerer at hver fil i kørslen (parametre, input, rapporter, data) er uændret siden\n"
            "kørslen, signerer godkendelsen med din SSH-nøgle og skriver den i godkendelsesloggen\n"
            "reports/approvals.jsonl. Siderne i pakken viser derefter godkendelsen. Kør kommandoen fra\n"
            "den mappe, kørslen blev startet fra. README'en viser, hvordan du laver en nøgle og bliver\n"
            "godkender."
        ),
        examples=(
            f"kpro-econ approve {RUN_ID_EXAMPLE} --key ~/.ssh/id_ed25519 --as anna@rn.dk",
            f'kpro-econ approve {RUN_ID_EXAMPLE} --key ~/.ssh/id_ed25519 --as anna@rn.dk --note "Drøftet på '
            'ledermødet"',
        ),
        exit_codes={0: "godkendt (eller én af flere nødvendige godkendelser registreret)",
                    1: "afvist: en fil er ændret, signaturen passer ikke, eller kørslen er allerede\n"
                       "     godkendt (beskeden siger hvorfor)"},
        guides=(APPROVER_GUIDE,),
    ),
    "release": CommandText(
        description=(
            "Frigiver en godkendt, uændret kørsel til forretningsstyregruppen: resuméet som HTML og som\n"
            "A4-PDF (Bilag - Risikorapport Kommunal PRO <periode>) i KØRSEL/steering/. Frigivelsen\n"
            "signeres med en godkenders SSH-nøgle, som en godkendelse."
        ),
        examples=(f"kpro-econ release {RUN_ID_EXAMPLE} --key ~/.ssh/id_ed25519 --as anna@rn.dk",
                  f"kpro-econ release {RUN_ID_EXAMPLE} --key ~/.ssh/id_ed25519 --as anna@rn.dk --browser msedge"),
        exit_codes={0: "frigivet; stien til PDF'en skrives",
                    1: "afvist: ikke godkendt, allerede frigivet, eller filer, signaturer eller kode\n"
                       "     ændret siden godkendelsen (alt nævnes; intet skrevet)"},
    ),
    "approvers": CommandText(
        description=(
            "Hvem der må godkende, står i params/approvers (OpenSSH allowed signers) og i approval-afsnittet\n"
            "i params. En ændring af dem gælder først, når en, der allerede er godkender, har signeret den\n"
            "ind i godkendelsesloggen: kpro-econ approvers add. kpro-econ approvers list viser hver udgave."
        ),
        examples=("kpro-econ approvers add --key ~/.ssh/id_ed25519 --as anna@rn.dk",
                  "kpro-econ approvers list"),
        exit_codes={0: "gik godt", 1: "afvist eller en registreret udgave holder ikke (beskeden siger hvorfor)"},
    ),
    "add": CommandText(
        description=(
            "Registrerer filen med godkendere (params/approvers) og approval-reglerne i params, som de er nu,\n"
            "i godkendelsesloggen reports/approvals.jsonl, signeret med din SSH-nøgle. Din nøgle skal stå i\n"
            "den hidtil registrerede udgave af filen (er intet registreret endnu, i filen selv). Sådan\n"
            "tilføjes en ny godkender: læg vedkommendes offentlige nøgle som en linje i params/approvers\n"
            "(og identiteten i approval.roles), og kør kommandoen. Kørsler lavet før skal laves igen."
        ),
        examples=("kpro-econ approvers add --key ~/.ssh/id_ed25519 --as anna@rn.dk",
                  "kpro-econ approvers add params/default.yaml --key ~/.ssh/id_ed25519 --as anna@rn.dk "
                  "--out rapporter"),
        exit_codes={0: "registreret (eller allerede registreret; intet skrevet)",
                    1: "afvist: din nøgle står ikke i den registrerede fil, loggen holder ikke, eller\n"
                       "     filen ligger uden for projektmappen (beskeden siger hvorfor)",
                    2: "ugyldige parametre"},
    ),
    "list": CommandText(
        description=(
            "Viser hver udgave af filen med godkendere, som godkendelsesloggen har registreret: hvornår, af\n"
            "hvem (og med hvilken nøgle), og hvilke godkendere den nævner. Den første udgave er den, alt\n"
            "andet bygger på: kontrollér den."
        ),
        examples=("kpro-econ approvers list", "kpro-econ approvers list --out rapporter"),
        exit_codes={0: "vist", 1: "en registreret udgave holder ikke (nævnt med afviger:)"},
    ),
    "folk1a": CommandText(
        description=(
            "Henter indbyggertal pr. kommune (FOLK1A) for et kvartal fra Danmarks Statistiks\n"
            "Statistikbank, gemmer dem som CSV i det format, allocation.population læser, og skriver\n"
            "linjen til parametrene."
        ),
        examples=("kpro-econ folk1a --quarter 2025K1 --out data/folk1a_2025K1.csv",),
        exit_codes={0: "hentet og gemt", 1: "ingen forbindelse eller en fejl hos Danmarks Statistik (intet gemt)",
                    2: "et ugyldigt kvartal"},
    ),
    "status": CommandText(
        description=(
            "Viser kørslerne og deres tilstand: fejlet, udkast, godkendt, frigivet eller ændret efter\n"
            "godkendelse. For alle kørsler til sidst godkendelsesloggens hoved (antal linjer og den\n"
            "sidste linjes sha256): noter det; en log, der senere er kortere eller har en anden linje\n"
            "dér, er afkortet eller omskrevet."
        ),
        examples=("kpro-econ status", "kpro-econ status --out rapporter", f"kpro-econ status {RUN_ID_EXAMPLE}"),
        exit_codes={0: "altid (tilstanden står i udskriften)"},
    ),
    "compare": CommandText(
        description=(
            "Skriver en HTML-side, der sammenligner to kørsler tabel for tabel: udgifter pr. linje og år\n"
            "(basis), scenarierne og risikoregistret (tilføjede og fjernede risici, ændret score og\n"
            "forventet værdi), hver med A, B og forskellen. Siden lægges som standard i mappen med\n"
            "kørsel B: compare-A-B.html. Tallene læses fra kørslernes data/*.csv."
        ),
        examples=(f"kpro-econ compare reports/20260601-090000-default {RUN_ID_EXAMPLE}",
                  f"kpro-econ compare reports/20260601-090000-default {RUN_ID_EXAMPLE} --out sammenligning.html"),
        exit_codes={0: "siden er skrevet; stien skrives",
                    1: "en kørsel mangler, eller dens tabeller kan ikke læses (intet skrevet)",
                    2: "forkerte argumenter"},
    ),
    "verify": CommandText(
        description=(
            "Kontrollerer, at en PDF eller HTML er præcis det resumé, der blev frigivet til\n"
            "forretningsstyregruppen: filens sha256 står i en frigivelse i godkendelsesloggen, loggen er\n"
            "intakt og ikke afkortet, og kørslen er stadig godkendt, signeret og uændret. Kør kommandoen\n"
            "fra projektmappen (den mappe, kørslen blev startet fra)."
        ),
        examples=(f'kpro-econ verify "{RELEASED_PDF_EXAMPLE}"',
                  f'kpro-econ verify "{RUN_ID_EXAMPLE}/steering/{RELEASED_PDF_EXAMPLE}" --out reports'),
        exit_codes={0: "filen er den frigivne; kørsel, godkendere og tidspunkt skrives",
                    1: "filen er ikke den frigivne, eller det, den blev frigivet fra, er ændret\n"
                       "     (én linje pr. problem)"},
    ),
}

HELP_TEXT = "vis denne hjælp og afslut"
VERSION_HELP = "vis programmets version og afslut"
GROUP_TITLES = {"positional arguments": "argumenter", "options": "tilvalg", "optional arguments": "tilvalg"}

# argparse's own error messages (Python 3.11–3.13), said in Danish; anything else is shown as it is.
_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^the following arguments are required: (.*)$"), r"mangler: \1"),
    (re.compile(r"^unrecognized arguments: (.*)$"), r"ukendte argumenter: \1"),
    (re.compile(r"^argument (\S+): invalid choice: (.*?) \(choose from (.*)\)$"),
     r"\1: ugyldigt valg \2 (vælg mellem \3)"),
    (re.compile(r"^argument (\S+): expected one argument$"), r"\1: mangler en værdi"),
    (re.compile(r"^argument (\S+): expected at least one argument$"), r"\1: mangler mindst én værdi"),
    (re.compile(r"^argument (\S+): invalid (\S+) value: (.*)$"), r"\1: ugyldig værdi \3"),
    (re.compile(r"^ambiguous option: (\S+) could match (.*)$"), r"tvetydigt tilvalg \1 (kan være \2)"),
]


def danish_error(message: str) -> str:
    """argparse's English error message in Danish, when it is one of those it commonly gives."""
    for pattern, replacement in _ERRORS:
        if pattern.match(message):
            return pattern.sub(replacement, message)
    return message


class DanishHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and epilogs as written (examples keep their lines), `Brug:` for `usage:`."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "Brug: " if prefix is None else prefix)


class DanishArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Danish and describes each command from `COMMANDS`.

    Commands made with `add_subparsers().add_parser(...)` are of this class too (argparse makes
    them of the parent's class), so every command gets its texts by its name.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", DanishHelpFormatter)
        super().__init__(*args, **kwargs)
        text = COMMANDS.get(self.prog.split()[-1]) if self.prog else None
        if text is not None:
            self.description = text.description
            self.epilog = text.epilog()
        for group in self._action_groups:
            group.title = GROUP_TITLES.get(group.title or "", group.title)
        for action in self._actions:
            if "--help" in action.option_strings:
                action.help = HELP_TEXT

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fejl: {danish_error(message)}\n")
