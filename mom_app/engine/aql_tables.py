"""ISO 2859-1:1999 (GB/T 2828.1-2012) single sampling tables, written as data laid out like the standard.

This module holds no logic beyond reading its own tables back into Python structures (and refusing to import
if a row is malformed). The rules that use the tables are in `mom_app.engine.aql`.

Layout. Each table is a block of text with one line per row of the printed table, so that a reviewer can put
the standard next to it and check it line by line:

- Table 1, sample size code letters: one line per lot-size band, one column per inspection level
  (special levels S-1 to S-4, general levels I, II, III).
- Tables 2-A (normal), 2-B (tightened) and 2-C (reduced) single sampling plans (master tables): one line per
  sample size code letter, giving the letter, its sample size and then one cell per AQL column. The 26 AQL
  columns are printed in two blocks that repeat the row labels: 0.010 to 10 (the columns usable for percent
  nonconforming and for nonconformities per 100 units), then 15 to 1000 (nonconformities per 100 units
  only), so that every line stays short. A cell is:

    "Ac,Re"  acceptance and rejection numbers, e.g. "2,3"
    "↓"      use the first sampling plan below the arrow (its code letter and its sample size)
    "↑"      use the first sampling plan above the arrow (its code letter and its sample size)
    "-"      the standard leaves the cell blank: there is no plan (only row S of Table 2-B)

  Re = Ac + 1 in every cell of all three tables. ISO 2859-1:1999 removed the gap between Ac and Re that the
  reduced plans of ISO 2859-1:1989 and ANSI/ASQ Z1.4 still have ("reduced plans have been changed to
  eliminate the gap between the acceptance and rejection numbers", foreword of ISO 2859-1:1999). The parser
  checks this, so a typo such as "5,7" fails at import.

  Table 2-C has its own sample size per code letter (A 2, B 2, C 2, D 3, ... R 800): the reduced plans are
  smaller samples, not the normal ones. Table 2-B has one more row than the other two, S (3150), with a
  single plan (1,2 under AQL 0.025); every other cell of row S is blank. Row R of Table 2-B points down to it
  under 0.025, so tightened inspection can need the 3150-unit sample even though Table 1 never gives S.

ISO 2859-1:1999 replaced the limit numbers of the old Table VIII (normal to reduced) by the switching score
of clause 9.3.3; this module therefore has no limit-number table (see `aql.next_state`).

Sources and cross-checks (transcriptions of the standard found with the public code index; the standard
itself is not freely available):

1. GB/T 2828.1-2012 (identical to ISO 2859-1:1999), as transcribed in an open-source TypeScript quality
   application (file src/core/aql.ts, tables MASTER_2A_RAW, MASTER_2B_RAW, MASTER_2C_RAW and
   CODE_LETTER_TABLE). That file gives, for each Table 1 code letter and each of the 26 AQLs, the plan found
   after following the arrows (final code letter, n, Ac); its comments say Tables 2-A, 2-B and 2-C were
   checked cell by cell against pages 15 to 17 of the standard by two reviewers, and list two corrections
   made against the scan (2-C Q/0.025 is an up arrow; 2-B row S is blank except under 0.025). The arrow
   tables below were written from it: a cell is "Ac,Re" where the plan stays on its own row, "↓" where it
   moves to a later code letter and "↑" where it moves to an earlier one.
2. CRAN package AQLSchemes 1.7-2 (J. Lawson), R/AAZ14Single.R: MIL-STD-105E / ANSI/ASQ Z1.4 Tables I,
   II-A, II-B and II-C as resolved plans (n, Ac, Re per code letter and AQL). Z1.4's Tables I, II-A and
   II-B carry the same plans as ISO 2859-1 Tables 1, 2-A and 2-B; its II-C is the pre-1999 reduced table
   with gaps.
3. CRAN package Planesmuestra 0.1 (E. Marroquin, after Montgomery, Introduction to Statistical Quality
   Control, 5th ed.), data sets code_letter and milstd105eplans: Table 1, and the acceptance numbers of the
   plans on their own rows.

Results of the cross-check:

- Table 1: all 105 cells agree in sources 1, 2 and 3.
- Table 2-A: all 416 resolved plans (16 letters x 26 AQLs) agree between sources 1 and 2; the 152 plans
  that stay on their own row agree with source 3.
- Table 2-B: 415 of 416 resolved plans agree between sources 1 and 2. The one disagreement is row A under
  AQL 10: source 1 has "0,1" (n = 2), source 2 has an arrow down to D (n = 8, Ac 1), and source 3's crude
  table also has Ac 1 there. Source 1 is kept, because it transcribes the ISO-identical standard and because
  the tightened "0,1" cells form an unbroken diagonal (R/0.010, Q/0.015, ... B/6.5) that A/10 continues,
  exactly as the "0,1" diagonal of Table 2-A reaches row A (A/6.5). Z1.4-based tools may give n = 8 there.
- Table 2-C: there is no second transcription of the 1999 reduced table. Source 1 was checked against the
  Z1.4 table of source 2 instead: 383 of the 385 plans that are not Z1.4's "0,2" are Z1.4's plan, same
  sample size, with the gap closed by one fixed substitution (1,3 -> 1,2; 1,4 -> 2,3; 2,5 -> 3,4;
  3,6 -> 5,6; 5,8 -> 6,7; 7,10 -> 8,9; 10,13 -> 10,11; 14,17 -> 14,15; 21,24 -> 21,22), and Z1.4's 31
  "0,2" cells became arrows. The two others are row B under 40 and 65, where Z1.4 has 2,4 and 3,5 and the
  1999 table has 2,3 and 3,4 (the gap closed by lowering Re). tests/test_aql.py repeats this check.
"""

from typing import NamedTuple

# Sample size code letters as the standard uses them (no I, no O). S exists only in Table 2-B.
CODE_LETTERS = ("A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "Q", "R", "S")

# Inspection levels, in the column order of Table 1.
LEVEL_COLUMNS = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")

# The 26 AQL columns of Tables 2-A, 2-B and 2-C, spelt as printed.
AQL_COLUMNS = (
	"0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65", "1.0", "1.5", "2.5",
	"4.0", "6.5", "10", "15", "25", "40", "65", "100", "150", "250", "400", "650", "1000",
)  # fmt: skip

DOWN = "↓"
UP = "↑"
BLANK = "-"

# Table 1 - Sample size code letters. "and over" on the last line: lot sizes of 500 001 and more.
TABLE_1 = """
lot size           | S-1 S-2 S-3 S-4 I   II  III
2 to 8             | A   A   A   A   A   A   B
9 to 15            | A   A   A   A   A   B   C
16 to 25           | A   A   B   B   B   C   D
26 to 50           | A   B   B   C   C   D   E
51 to 90           | B   B   C   C   C   E   F
91 to 150          | B   B   C   D   D   F   G
151 to 280         | B   C   D   E   E   G   H
281 to 500         | B   C   D   E   F   H   J
501 to 1200        | C   C   E   F   G   J   K
1201 to 3200       | C   D   E   G   H   K   L
3201 to 10000      | C   D   F   G   J   L   M
10001 to 35000     | C   D   F   H   K   M   N
35001 to 150000    | D   E   G   J   L   N   P
150001 to 500000   | D   E   G   J   M   P   Q
500001 and over    | D   E   H   K   N   Q   R
"""

# Table 2-A - Single sampling plans for normal inspection (master table).
# Columns: code letter, sample size n, then Ac,Re (or arrow) per AQL: 0.010 ... 10, then 15 ... 1000.
TABLE_2A = """
code  n    | 0.010 0.015 0.025 0.040 0.065 0.10  0.15  0.25  0.40  0.65  1.0   1.5   2.5   4.0   6.5   10
A     2    | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↓
B     3    | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓
C     5    | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓     1,2
D     8    | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓     1,2   2,3
E     13   | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓     1,2   2,3   3,4
F     20   | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓     1,2   2,3   3,4   5,6
G     32   | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓     1,2   2,3   3,4   5,6   7,8
H     50   | ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓     1,2   2,3   3,4   5,6   7,8   10,11
J     80   | ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓     1,2   2,3   3,4   5,6   7,8   10,11 14,15
K     125  | ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓     1,2   2,3   3,4   5,6   7,8   10,11 14,15 21,22
L     200  | ↓     ↓     ↓     ↓     0,1   ↑     ↓     1,2   2,3   3,4   5,6   7,8   10,11 14,15 21,22 ↑
M     315  | ↓     ↓     ↓     0,1   ↑     ↓     1,2   2,3   3,4   5,6   7,8   10,11 14,15 21,22 ↑     ↑
N     500  | ↓     ↓     0,1   ↑     ↓     1,2   2,3   3,4   5,6   7,8   10,11 14,15 21,22 ↑     ↑     ↑
P     800  | ↓     0,1   ↑     ↓     1,2   2,3   3,4   5,6   7,8   10,11 14,15 21,22 ↑     ↑     ↑     ↑
Q     1250 | 0,1   ↑     ↓     1,2   2,3   3,4   5,6   7,8   10,11 14,15 21,22 ↑     ↑     ↑     ↑     ↑
R     2000 | ↑     ↑     1,2   2,3   3,4   5,6   7,8   10,11 14,15 21,22 ↑     ↑     ↑     ↑     ↑     ↑

code  n    | 15    25    40    65    100   150   250   400   650   1000
A     2    | ↓     1,2   2,3   3,4   5,6   7,8   10,11 14,15 21,22 30,31
B     3    | 1,2   2,3   3,4   5,6   7,8   10,11 14,15 21,22 30,31 44,45
C     5    | 2,3   3,4   5,6   7,8   10,11 14,15 21,22 30,31 44,45 ↑
D     8    | 3,4   5,6   7,8   10,11 14,15 21,22 30,31 44,45 ↑     ↑
E     13   | 5,6   7,8   10,11 14,15 21,22 30,31 44,45 ↑     ↑     ↑
F     20   | 7,8   10,11 14,15 21,22 ↑     ↑     ↑     ↑     ↑     ↑
G     32   | 10,11 14,15 21,22 ↑     ↑     ↑     ↑     ↑     ↑     ↑
H     50   | 14,15 21,22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
J     80   | 21,22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
K     125  | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
L     200  | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
M     315  | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
N     500  | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
P     800  | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
Q     1250 | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
R     2000 | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
"""

# Table 2-B - Single sampling plans for tightened inspection (master table). Row S: one plan only.
TABLE_2B = """
code  n    | 0.010 0.015 0.025 0.040 0.065 0.10  0.15  0.25  0.40  0.65  1.0   1.5   2.5   4.0   6.5   10
A     2    | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1
B     3    | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↓
C     5    | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↓     ↓
D     8    | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↓     ↓     1,2
E     13   | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↓     ↓     1,2   2,3
F     20   | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↓     ↓     1,2   2,3   3,4
G     32   | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↓     ↓     1,2   2,3   3,4   5,6
H     50   | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↓     ↓     1,2   2,3   3,4   5,6   8,9
J     80   | ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↓     ↓     1,2   2,3   3,4   5,6   8,9   12,13
K     125  | ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↓     ↓     1,2   2,3   3,4   5,6   8,9   12,13 18,19
L     200  | ↓     ↓     ↓     ↓     ↓     0,1   ↓     ↓     1,2   2,3   3,4   5,6   8,9   12,13 18,19 ↑
M     315  | ↓     ↓     ↓     ↓     0,1   ↓     ↓     1,2   2,3   3,4   5,6   8,9   12,13 18,19 ↑     ↑
N     500  | ↓     ↓     ↓     0,1   ↓     ↓     1,2   2,3   3,4   5,6   8,9   12,13 18,19 ↑     ↑     ↑
P     800  | ↓     ↓     0,1   ↓     ↓     1,2   2,3   3,4   5,6   8,9   12,13 18,19 ↑     ↑     ↑     ↑
Q     1250 | ↓     0,1   ↓     ↓     1,2   2,3   3,4   5,6   8,9   12,13 18,19 ↑     ↑     ↑     ↑     ↑
R     2000 | 0,1   ↑     ↓     1,2   2,3   3,4   5,6   8,9   12,13 18,19 ↑     ↑     ↑     ↑     ↑     ↑
S     3150 | -     -     1,2   -     -     -     -     -     -     -     -     -     -     -     -     -

code  n    | 15    25    40    65    100   150   250   400   650   1000
A     2    | ↓     ↓     1,2   2,3   3,4   5,6   8,9   12,13 18,19 27,28
B     3    | ↓     1,2   2,3   3,4   5,6   8,9   12,13 18,19 27,28 41,42
C     5    | 1,2   2,3   3,4   5,6   8,9   12,13 18,19 27,28 41,42 ↑
D     8    | 2,3   3,4   5,6   8,9   12,13 18,19 27,28 41,42 ↑     ↑
E     13   | 3,4   5,6   8,9   12,13 18,19 27,28 41,42 ↑     ↑     ↑
F     20   | 5,6   8,9   12,13 18,19 ↑     ↑     ↑     ↑     ↑     ↑
G     32   | 8,9   12,13 18,19 ↑     ↑     ↑     ↑     ↑     ↑     ↑
H     50   | 12,13 18,19 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
J     80   | 18,19 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
K     125  | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
L     200  | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
M     315  | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
N     500  | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
P     800  | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
Q     1250 | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
R     2000 | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
S     3150 | -     -     -     -     -     -     -     -     -     -
"""

# Table 2-C - Single sampling plans for reduced inspection (master table). Note the smaller n column.
TABLE_2C = """
code  n    | 0.010 0.015 0.025 0.040 0.065 0.10  0.15  0.25  0.40  0.65  1.0   1.5   2.5   4.0   6.5   10
A     2    | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↓
B     2    | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓
C     2    | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓     ↓
D     3    | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓     ↓     1,2
E     5    | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓     ↓     1,2   2,3
F     8    | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓     ↓     1,2   2,3   3,4
G     13   | ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓     ↓     1,2   2,3   3,4   5,6
H     20   | ↓     ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓     ↓     1,2   2,3   3,4   5,6   6,7
J     32   | ↓     ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓     ↓     1,2   2,3   3,4   5,6   6,7   8,9
K     50   | ↓     ↓     ↓     ↓     ↓     0,1   ↑     ↓     ↓     1,2   2,3   3,4   5,6   6,7   8,9   10,11
L     80   | ↓     ↓     ↓     ↓     0,1   ↑     ↓     ↓     1,2   2,3   3,4   5,6   6,7   8,9   10,11 ↑
M     125  | ↓     ↓     ↓     0,1   ↑     ↓     ↓     1,2   2,3   3,4   5,6   6,7   8,9   10,11 ↑     ↑
N     200  | ↓     ↓     0,1   ↑     ↓     ↓     1,2   2,3   3,4   5,6   6,7   8,9   10,11 ↑     ↑     ↑
P     315  | ↓     0,1   ↑     ↓     ↓     1,2   2,3   3,4   5,6   6,7   8,9   10,11 ↑     ↑     ↑     ↑
Q     500  | 0,1   ↑     ↑     ↓     1,2   2,3   3,4   5,6   6,7   8,9   10,11 ↑     ↑     ↑     ↑     ↑
R     800  | ↑     ↑     ↑     1,2   2,3   3,4   5,6   6,7   8,9   10,11 ↑     ↑     ↑     ↑     ↑     ↑

code  n    | 15    25    40    65    100   150   250   400   650   1000
A     2    | ↓     1,2   2,3   3,4   5,6   7,8   10,11 14,15 21,22 30,31
B     2    | ↓     1,2   2,3   3,4   5,6   7,8   10,11 14,15 21,22 30,31
C     2    | 1,2   2,3   3,4   5,6   6,7   8,9   10,11 14,15 21,22 ↑
D     3    | 2,3   3,4   5,6   6,7   8,9   10,11 14,15 21,22 ↑     ↑
E     5    | 3,4   5,6   6,7   8,9   10,11 14,15 21,22 ↑     ↑     ↑
F     8    | 5,6   6,7   8,9   10,11 ↑     ↑     ↑     ↑     ↑     ↑
G     13   | 6,7   8,9   10,11 ↑     ↑     ↑     ↑     ↑     ↑     ↑
H     20   | 8,9   10,11 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
J     32   | 10,11 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
K     50   | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
L     80   | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
M     125  | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
N     200  | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
P     315  | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
Q     500  | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
R     800  | ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑
"""


# ----------------------------------------------------------------------------------------------------------
# Reading the tables back. Everything below only turns the text above into tuples and checks its shape.


class LotBand(NamedTuple):
	"""One line of Table 1: lot sizes low..high (high None: "and over") and the code letter per level."""

	low: int
	high: int | None
	letters: dict[str, str]


class MasterRow(NamedTuple):
	"""One line of Table 2-A, 2-B or 2-C.

	`cells` has one entry per AQL column (AQL_COLUMNS order): an (Ac, Re) tuple, DOWN, UP, or None for a cell
	the standard leaves blank.
	"""

	code_letter: str
	sample_size: int
	cells: tuple


def _lines(text: str) -> list[str]:
	return [line.rstrip() for line in text.strip("\n").split("\n")]


def _parse_table_1(text: str) -> tuple[LotBand, ...]:
	header, *rows = [line for line in _lines(text) if line]
	if tuple(header.split("|")[1].split()) != LEVEL_COLUMNS:
		raise ValueError(f"Table 1: the header must name the levels {LEVEL_COLUMNS}")
	bands = []
	expected_low = 2
	for line in rows:
		lots, letters = line.split("|")
		words = lots.split()
		if words[1:] == ["and", "over"]:
			low, high = int(words[0]), None
		elif len(words) == 3 and words[1] == "to":
			low, high = int(words[0]), int(words[2])
		else:
			raise ValueError(f"Table 1: cannot read the lot sizes {lots.strip()!r}")
		if low != expected_low or (high is not None and high < low):
			raise ValueError(f"Table 1: the band {lots.strip()!r} does not follow the previous one")
		cells = letters.split()
		if len(cells) != len(LEVEL_COLUMNS) or not set(cells) <= set(CODE_LETTERS):
			raise ValueError(f"Table 1: the line {line!r} needs one code letter per level")
		bands.append(LotBand(low, high, dict(zip(LEVEL_COLUMNS, cells, strict=True))))
		expected_low = None if high is None else high + 1
	if bands[-1].high is not None:
		raise ValueError("Table 1: the last band must be open-ended ('and over')")
	return tuple(bands)


def _parse_cell(table: str, code: str, aql: str, text: str):
	if text in (DOWN, UP):
		return text
	if text == BLANK:
		return None
	try:
		ac, re = (int(part) for part in text.split(","))
	except ValueError:
		raise ValueError(f"Table {table}, {code} / {aql}: cannot read the cell {text!r}") from None
	if ac < 0 or re != ac + 1:
		raise ValueError(f"Table {table}, {code} / {aql}: Re must be Ac + 1, got {text!r}")
	return (ac, re)


def _parse_master(table: str, text: str) -> dict[str, MasterRow]:
	"""Join the blocks of a master table (each with its own header of AQL columns) into one row per letter."""
	blocks = [block for block in text.strip("\n").split("\n\n") if block.strip()]
	columns: list[str] = []
	sizes: dict[str, int] = {}
	cells: dict[str, list] = {}
	for block in blocks:
		header, *rows = _lines(block)
		labels, aqls = header.split("|")
		if labels.split() != ["code", "n"]:
			raise ValueError(f"Table {table}: each block must start with a 'code n | AQL ...' header")
		block_aqls = aqls.split()
		columns.extend(block_aqls)
		for line in rows:
			label, body = line.split("|")
			code, n = label.split()
			values = body.split()
			if len(values) != len(block_aqls):
				raise ValueError(
					f"Table {table}, row {code}: {len(values)} cells for {len(block_aqls)} columns"
				)
			if sizes.setdefault(code, int(n)) != int(n):
				raise ValueError(f"Table {table}, row {code}: the blocks give different sample sizes")
			cells.setdefault(code, []).extend(
				_parse_cell(table, code, aql, value) for aql, value in zip(block_aqls, values, strict=True)
			)
	if tuple(columns) != AQL_COLUMNS:
		raise ValueError(f"Table {table}: the blocks must cover the AQL columns {AQL_COLUMNS} in order")
	codes = list(cells)
	if codes != [c for c in CODE_LETTERS if c in cells] or codes[:16] != list(CODE_LETTERS[:16]):
		raise ValueError(f"Table {table}: rows must be the code letters A to R (and S) in order")
	for code in codes:
		if len(cells[code]) != len(AQL_COLUMNS):
			raise ValueError(f"Table {table}, row {code}: every block must have this row")
	return {code: MasterRow(code, sizes[code], tuple(cells[code])) for code in codes}


LOT_SIZE_BANDS: tuple[LotBand, ...] = _parse_table_1(TABLE_1)

MASTER_TABLES: dict[str, dict[str, MasterRow]] = {
	"normal": _parse_master("2-A", TABLE_2A),
	"tightened": _parse_master("2-B", TABLE_2B),
	"reduced": _parse_master("2-C", TABLE_2C),
}

# The table number of each severity, for messages and records.
TABLE_NAMES = {"normal": "2-A", "tightened": "2-B", "reduced": "2-C"}
