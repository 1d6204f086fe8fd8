"""Summary of analyzer-overhead-csc.sh's runs.csv: per configuration the median elapsed time, CPU
time (user + sys) and Roslyn's analyzer figures; then the analyzers' share of the compile, read
three ways, and the A/A control ("again" against "with", the same command twice) that says how
large a difference this machine's noise alone produces.
    usage: python3 analyzer-overhead-summary.py runs.csv"""
import csv
import statistics
import sys


def main(path):
    rows = list(csv.DictReader(open(path)))
    by = {}
    for r in rows:
        r["cpu"] = float(r["user"]) + float(r["sys"])
        by.setdefault(r["config"], {})[int(r["round"])] = r
    configs = [c for c in ("without", "with", "again") if c in by]
    rounds = sorted(set.intersection(*(set(by[c]) for c in configs)))
    if not rounds:
        sys.exit("no round has every configuration")

    def med(config, key):
        return statistics.median(float(by[config][n][key]) for n in rounds)

    print(f"{len(rounds)} rounds; medians, s:")
    print("config    elapsed   cpu    analyzers(all)  Spte.Analyzers")
    for c in configs:
        spte = [by[c][n]["spte"] for n in rounds if by[c][n]["spte"]]
        spte_med = f"{statistics.median(float(x.lstrip('<')) for x in spte):.3f}" if spte else "-"
        print(f"{c:8} {med(c, 'elapsed'):8.3f} {med(c, 'cpu'):7.3f} {med(c, 'analyzers'):10.3f}  {spte_med:>12}")

    def paired(a, b, key):
        # per round, b relative to a; the median of those ratios resists a disturbed round, and
        # their interquartile range shows how far one round's pair can be trusted
        ratios = [float(by[b][n][key]) / float(by[a][n][key]) - 1 for n in rounds]
        q1, q2, q3 = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
        return f"{b}/{a} {q2:+.1%} (IQR {q1:+.1%} .. {q3:+.1%})"

    for key in ("elapsed", "cpu"):
        share = 1 - med("without", key) / med("with", key)
        print(f"{key}: analyzers' share of the 'with' compile {share:+.1%} (medians); paired, median per round: "
              + "; ".join(paired(a, b, key) for a, b in (("without", "with"), ("without", "again"), ("with", "again")) if b in by))
    spte = [float(by["with"][n]["spte"].lstrip("<")) for n in rounds if by["with"][n]["spte"]]
    if spte:
        print(f"Roslyn's own figure for Spte.Analyzers: median {statistics.median(spte):.3f} s = "
              f"{statistics.median(spte) / med('with', 'elapsed'):.1%} of the median 'with' elapsed time")


main(sys.argv[1])
