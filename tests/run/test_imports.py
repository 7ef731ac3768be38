"""What a run's processes import: Papermill and nbconvert without the IRI grammar jsonschema would build."""

import sys


def test_papermill_and_nbconvert_load_without_the_iri_grammar() -> None:
    import nbconvert
    import papermill

    import kpro_econ.run  # every process of a run imports it before these (here: conftest did)

    del kpro_econ.run, nbconvert, papermill
    # None: jsonschema found it missing and left out the `iri` check; a module here would have cost a second
    assert sys.modules["rfc3987_syntax"] is None
