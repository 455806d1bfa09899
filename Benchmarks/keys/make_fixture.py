#!/usr/bin/env python3
"""Computes the reference key samples that keep `drp keys --preset paper` faithful to the DRP
authors' released ranking (rank_bm25's BM25Okapi over whitespace tokens).

Writes Benchmarks/keys/keys_fixture.json from a synthetic data set that `drp sample` generates (the
project's own word lists, no external text): for each case, the user's history (reviews other than
the target item's, in time order), the items at least MIN_OTHERS other users reviewed, each a
document "review title + ' ' + item description" split on white space (case and punctuation
kept), ranked by BM25Okapi(k1=1.5, b=0.75, epsilon=0.25) with the eligible items as the corpus
against the query "target review title + ' ' + target item description"; the top K by score, ties in
history order. Run it through make-fixture.sh.
"""
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from rank_bm25 import BM25Okapi

HERE = Path(__file__).resolve().parent
OUT = HERE / "keys_fixture.json"
SAMPLE = {"users": 40, "items": 24, "seed": 11}
MIN_OTHERS = 4
K = 8
CASES = 12


def main():
    drp = os.environ.get("DRP", str(HERE.parent.parent / ".build" / "debug" / "drp"))
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [drp, "sample", "--out", tmp, "--users", str(SAMPLE["users"]), "--items", str(SAMPLE["items"]),
             "--seed", str(SAMPLE["seed"])], check=True, stdout=subprocess.DEVNULL)
        reviews = [json.loads(line) for line in open(os.path.join(tmp, "reviews.jsonl"))]
        items = {}
        for line in open(os.path.join(tmp, "items.jsonl")):
            row = json.loads(line)
            description = row.get("description", "")
            items[row["parent_asin"]] = "\n".join(description) if isinstance(description, list) else description
    # Store order: by timestamp, then import (file) order, as `ReviewStore.reviews(ofUser:)` returns.
    by_user = defaultdict(list)
    reviewers = defaultdict(set)
    for number, review in enumerate(reviews):
        by_user[review["user_id"]].append((review["timestamp"], number, review))
        reviewers[review["parent_asin"]].add(review["user_id"])
    cases = []
    for user in sorted(by_user)[:CASES]:
        history = [r for _, _, r in sorted(by_user[user], key=lambda e: (e[0], e[1]))]
        target = history[-1]
        history = [r for r in history if r["parent_asin"] != target["parent_asin"]]
        eligible = [r for r in history if len(reviewers[r["parent_asin"]] - {user}) >= MIN_OTHERS]
        if not eligible:
            continue
        corpus = [f'{r["title"]} {items.get(r["parent_asin"], "")}'.split() for r in eligible]
        query = f'{target["title"]} {items.get(target["parent_asin"], "")}'.split()
        scores = BM25Okapi(corpus).get_scores(query)
        order = sorted(range(len(eligible)), key=lambda i: (-scores[i], i))[:K]
        cases.append({
            "user": user, "item": target["parent_asin"], "title": target["title"],
            "keys": [{"item_id": eligible[i]["parent_asin"], "score": float(scores[i])} for i in order],
        })
    OUT.write_text(json.dumps({"sample": SAMPLE, "min_other_reviewers": MIN_OTHERS, "k": K, "cases": cases},
                              indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT} ({len(cases)} cases)", file=sys.stderr)


if __name__ == "__main__":
    main()
