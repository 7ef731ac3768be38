"""Every parameter says what it means: `kpro-econ validate` and the docs rely on the descriptions."""

from __future__ import annotations

import typing

from pydantic import BaseModel

from kpro_econ.params.models import Params


def models_under(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[type[BaseModel]]:
    seen = set() if seen is None else seen
    if model in seen:
        return seen
    seen.add(model)
    for field in model.model_fields.values():
        for inner in _types_in(field.annotation):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                models_under(inner, seen)
    return seen


def _types_in(annotation: object) -> list[object]:
    found = [annotation]
    for arg in typing.get_args(annotation):
        found += _types_in(arg)
    return found


def test_every_parameter_model_is_frozen_strict_and_described():
    models = models_under(Params)
    assert len(models) > 15  # the walk really reaches the nested models
    for model in models:
        assert model.model_config.get("frozen") is True, model.__name__
        assert model.model_config.get("extra") == "forbid", model.__name__
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"
