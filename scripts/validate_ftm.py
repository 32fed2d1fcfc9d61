#!/usr/bin/env python3
"""Checks FtM JSON lines (`ward export --format ftm`) against the followthemoney model.

Usage: validate_ftm.py [FILE]      (reads standard input without FILE)

An error stops the check with exit status 1 and names the line and the property:
- a line that is not a JSON object with a string "id" and "schema", or an id seen before;
- a schema FtM does not have, or an abstract one (Thing, Interval...);
- a property the schema does not have (unknown to FtM, or on another schema: yente's index
  mapping is strict, so its indexer aborts on either);
- a reverse property (`cryptoWallets`, `sanctions`...): FtM derives them from the entity that
  points the other way, and yente's indexer aborts on them too;
- a value that is not a string;
- an entity reference (holder, entity, owner...) to an id that no line of the input has, or
  to an entity whose schema the property does not accept.

Where the yente package is installed, each entity is also made into the document yente's
indexer sends to its search index (`build_indexable_entity_doc`), and every field of it must be
in yente's strict index mapping.

Values that FtM's cleaning would change or drop (a phone number without country code, an
email address that is not one) are counted and reported, not errors: yente keeps them as
written. Use the followthemoney version that yente installs (`pip install yente==5.5.0`
brings followthemoney 4.9).
"""

import json
import sys
from collections import Counter

from followthemoney import model, registry


class Invalid(Exception):
    def __init__(self, line_no, message):
        super().__init__(f"line {line_no}: {message}")


def check_entity(line_no, data, references, warnings):
    """Checks one entity; returns its id and schema."""
    if not isinstance(data, dict):
        raise Invalid(line_no, "not a JSON object")
    entity_id = data.get("id")
    schema_name = data.get("schema")
    if not isinstance(entity_id, str) or not entity_id:
        raise Invalid(line_no, 'no string "id"')
    if not isinstance(schema_name, str):
        raise Invalid(line_no, f'{entity_id}: no string "schema"')
    schema = model.get(schema_name)
    if schema is None:
        raise Invalid(line_no, f"{entity_id}: schema {schema_name!r} is not an FtM schema")
    if schema.abstract:
        raise Invalid(line_no, f"{entity_id}: schema {schema_name} is abstract")
    properties = data.get("properties", {})
    if not isinstance(properties, dict):
        raise Invalid(line_no, f'{entity_id}: "properties" is not an object')
    for name, values in properties.items():
        prop = schema.get(name)
        if prop is None:
            elsewhere = any(name in other.properties for other in model.schemata.values())
            where = " (FtM has it on other schemata)" if elsewhere else " (FtM has no such property)"
            raise Invalid(line_no, f"{entity_id}: property {name!r} is not a property of {schema_name}{where}")
        if prop.stub:
            raise Invalid(
                line_no,
                f"{entity_id}: property {name!r} of {schema_name} is a reverse property "
                f"(written on the {prop.range.name if prop.range else 'other'} entity as {prop.reverse.name if prop.reverse else '?'})",
            )
        if not isinstance(values, list):
            raise Invalid(line_no, f"{entity_id}: property {name!r} is not a list of values")
        for value in values:
            if not isinstance(value, str):
                raise Invalid(line_no, f"{entity_id}: property {name!r} has a value that is not a string: {value!r}")
            if prop.type == registry.entity:
                references.append((line_no, entity_id, prop, value))
            elif prop.type.clean(value) is None:
                key = (schema_name, name, prop.type.name)
                if key not in warnings:
                    warnings[key] = [0, value]
                warnings[key][0] += 1
    return entity_id, schema


def yente_checker():
    """A check of one entity against yente's index mapping, or None without yente."""
    try:
        from yente.data.entity import Entity
        from yente.search.indexer import build_indexable_entity_doc
        from yente.search.mapping import make_entity_mapping
    except ImportError:
        return None
    mapping = make_entity_mapping()["properties"]
    properties = mapping["properties"]["properties"]

    def check(line_no, data):
        doc = build_indexable_entity_doc(Entity.from_dict(data))
        for name in doc["properties"]:
            if name not in properties:
                raise Invalid(line_no, f"{data['id']}: property {name!r} is not in yente's index mapping")
        for field in doc:
            if field not in mapping:
                raise Invalid(line_no, f"{data['id']}: field {field!r} is not in yente's index mapping")

    return check


def validate(lines, yente_check=None):
    """Checks every line; returns the count of entities by schema and the value warnings."""
    schemata = {}
    references = []
    warnings = {}
    counts = Counter()
    for line_no, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise Invalid(line_no, f"not JSON ({exc})")
        entity_id, schema = check_entity(line_no, data, references, warnings)
        if entity_id in schemata:
            raise Invalid(line_no, f"{entity_id}: a second entity with this id")
        schemata[entity_id] = schema
        if yente_check is not None:
            yente_check(line_no, data)
        counts[schema.name] += 1
    for line_no, entity_id, prop, target in references:
        target_schema = schemata.get(target)
        if target_schema is None:
            raise Invalid(line_no, f"{entity_id}: property {prop.name!r} points at {target!r}, which no line has")
        if prop.range is not None and not target_schema.is_a(prop.range):
            raise Invalid(
                line_no,
                f"{entity_id}: property {prop.name!r} points at {target!r}, a {target_schema.name}; "
                f"it takes a {prop.range.name}",
            )
    return counts, warnings


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    stream = open(argv[1], encoding="utf-8") if len(argv) == 2 else sys.stdin
    yente_check = yente_checker()
    try:
        counts, warnings = validate(stream, yente_check)
    except Invalid as exc:
        print(f"invalid FtM: {exc}", file=sys.stderr)
        return 1
    finally:
        if stream is not sys.stdin:
            stream.close()
    for (schema, name, type_name), (count, example) in sorted(warnings.items()):
        print(
            f"note: {count} {schema}.{name} values that FtM's {type_name} cleaning rejects (e.g. {example!r})",
            file=sys.stderr,
        )
    total = sum(counts.values())
    by_schema = ", ".join(f"{name} {count}" for name, count in counts.most_common())
    if not total:
        print("invalid FtM: no entities in the input", file=sys.stderr)
        return 1
    checked = "followthemoney model and yente's index mapping" if yente_check else "followthemoney model"
    print(f"{total} valid FtM entities ({by_schema}); checked against the {checked}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
