#!/usr/bin/python3
"""Parse show output (stdin) with an ntc-templates TextFSM template and print
the rows as JSON.  Usage: parse.py TEMPLATE.textfsm < output
Exit status 1 when the template yields no row."""
import json
import sys

import textfsm

with open(sys.argv[1]) as t:
    fsm = textfsm.TextFSM(t)
rows = [dict(zip(fsm.header, r)) for r in fsm.ParseText(sys.stdin.read())]
print(json.dumps(rows, indent=1))
sys.exit(0 if rows else 1)
