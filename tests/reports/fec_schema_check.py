#!/usr/bin/env python3
"""Checks every SA11AI record of a .fec file against the FEC's JSON Schema.

Usage: fec_schema_check.py FILE.fec INDIVIDUAL_RECEIPT.json

The column order is read from schedule-a-v8-columns.txt beside the schema.

Each record is mapped to the schema's field names (dates YYYY-MM-DD, amounts
as numbers, empty fields left out) and validated with python3-jsonschema; the
schema's own keywords (fec_spec, fec_recommended) are unknown to JSON Schema
and ignored, i.e. strict mode off. Our own checks add what the schema does
not say: 45 fields in the record, printable ASCII only, and employer and
occupation non-empty once the aggregate passes 200.00 (11 CFR 104.7(b):
"INFORMATION REQUESTED" when best efforts failed). Prints one line per
problem and exits 1 if there is any; prints the count checked otherwise.
"""
import decimal
import json
import os
import sys

import jsonschema

# .fec column name -> INDIVIDUAL_RECEIPT.json property, where they differ.
RENAMED = {"contributor_zip_code": "contributor_zip"}
NUMBERS = {"contribution_amount", "contribution_aggregate"}


COLUMNS = []


def to_json(fields):
    record = dict(zip(COLUMNS, fields))
    out = {"transaction_type_identifier": "INDIVIDUAL_RECEIPT", "aggregation_group": "GENERAL"}
    schema_props = set(SCHEMA["properties"])
    for name, value in record.items():
        key = RENAMED.get(name, name)
        if key not in schema_props or value == "":
            continue
        if key in NUMBERS:
            # JSON numbers: the schema bounds them; parsed exactly, then as a float for the validator.
            out[key] = float(decimal.Decimal(value))
        elif key == "contribution_date":
            out[key] = value[0:4] + "-" + value[4:6] + "-" + value[6:8]
        elif key == "memo_code":
            out[key] = value == "X"
        else:
            out[key] = value
    return out


def own_checks(fields):
    problems = []
    if len(fields) != 45:
        problems.append("has %d fields, not 45" % len(fields))
    for name, value in zip(COLUMNS, fields):
        if any(not (0x20 <= ord(c) <= 0x7E) for c in value):
            problems.append("%s is not printable ASCII: %r" % (name, value))
    record = dict(zip(COLUMNS, fields))
    if decimal.Decimal(record.get("contribution_aggregate") or "0") > 200:
        for name in ("contributor_employer", "contributor_occupation"):
            if not record.get(name, "").strip():
                problems.append("%s is empty with an aggregate over 200.00" % name)
    return problems


def main():
    global SCHEMA
    fec_path, schema_path = sys.argv[1], sys.argv[2]
    columns_path = os.path.join(os.path.dirname(schema_path), "schedule-a-v8-columns.txt")
    with open(columns_path, encoding="ascii") as f:
        COLUMNS.extend(l.strip() for l in f if l.strip() and not l.startswith("#"))
    with open(schema_path, encoding="utf-8") as f:
        SCHEMA = json.load(f)
    validator = jsonschema.Draft7Validator(SCHEMA)
    checked, problems = 0, []
    with open(fec_path, "rb") as f:
        for number, raw in enumerate(f.read().split(b"\n"), start=1):
            fields = raw.decode("ascii", errors="replace").split("\x1c")
            if fields[0] != "SA11AI":
                continue
            checked += 1
            where = "line %d (%s)" % (number, fields[2] if len(fields) > 2 else "?")
            for p in own_checks(fields):
                problems.append("%s: %s" % (where, p))
            for error in validator.iter_errors(to_json(fields)):
                problems.append("%s: %s: %s" % (where, "/".join(map(str, error.path)), error.message))
    for p in problems:
        print(p)
    if checked == 0:
        print("no SA11AI record in " + fec_path)
        return 1
    print("checked %d SA11AI records" % checked)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
