"""Suggesting the ISCO-08 unit group of a free-text job title (French or English).

Training labels: the ESCO occupation labels (English, preferred and alternative, each with its ISCO group),
the French list of common Moroccan job titles in `data/titles_fr.csv`, and the titles users coded by hand
(`CodingDecision`). A title is compared to every label by cosine similarity of TF-IDF character n-grams
(scikit-learn), which tolerates misspellings, missing accents and word order; each ISCO group scores its
best label, and a title a user already coded gets that code first.

The index over the files is built once per process (~2 s); the users' decisions form a second, small index
rebuilt when they change.
"""

from __future__ import annotations

import csv
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from django.db.models import Count, Max

DATA = Path(__file__).parent / "data"
TOP_LABELS = 200  # labels looked at per title, best first
CHUNK = 256  # titles scored at once (~256 × 33,000 similarities)
CORRECTION_WEIGHT = 1.15  # a user's decision outranks a file label of equal similarity
FRENCH_WEIGHT = 1.05  # the Moroccan list is curated: prefer it to ESCO's labels
ALTERNATIVE_WEIGHT = 0.95  # ESCO's alternative labels are many and loose ("plumber" also names a welder)

# Words of job ads that say nothing about the occupation (gender marks, seniority, contract, urgency).
_NOISE = frozenset(
    [
        "h",
        "f",
        "m",
        "hf",
        "fh",
        "e",
        "se",
        "ne",
        "re",
        "ere",
        "euse",
        "urgent",
        "urgente",
        "recrute",
        "recrutement",
        "cdi",
        "cdd",
        "anapec",
        "idmaj",
        "junior",
        "senior",
        "confirme",
        "confirmee",
        "experimente",
        "experimentee",
        "debutant",
        "debutante",
        "qualifie",
        "qualifiee",
        "stagiaire",
        "poste",
        "offre",
        "emploi",
    ]
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_COUNT = re.compile(r"x\d+")  # "soudeurs x10"
# Function words and places named in ads: they match unrelated labels ("chef de chantier" for "maçon").
_STOP = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "par",
        "pour",
        "sur",
        "un",
        "une",
        "dans",
        "chez",
        "of",
        "for",
        "the",
        "and",
        "in",
        "at",
        "with",
        "to",
        "an",
        "maroc",
        "morocco",
        "tanger",
        "tangier",
        "casablanca",
        "casa",
        "rabat",
        "sale",
        "kenitra",
        "oujda",
        "nador",
        "fes",
        "meknes",
        "marrakech",
        "agadir",
        "beni",
        "mellal",
        "khouribga",
        "tetouan",
        "zone",
        "franche",
        "free",
        "med",
        "ville",
        "region",
    ]
)


def _stem(word: str) -> str:
    """Plural to singular, enough for job titles: macons → macon, sociaux → social, workers → worker."""
    if len(word) > 4 and word.endswith("aux"):
        return word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx" and word[-2] not in "su":
        return word[:-1]
    return word


def normalise(title: str) -> str:
    """Lower case, no accents, no gender marks or ad noise, single spaces: the key titles are compared by."""
    text = unicodedata.normalize("NFKD", str(title or ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("œ", "oe").replace("æ", "ae").replace("’", "'")
    text = re.sub(r"\((?:[a-z]{1,4}|h ?/ ?f|f ?/ ?h)\)", " ", text)  # serveur(se), technicien (h/f)
    words = (_stem(word) for word in _NON_WORD.sub(" ", text).split() if not word.isdigit())
    return " ".join(w for w in words if w not in _NOISE and w not in _STOP and not _COUNT.fullmatch(w))[:200]


@dataclass(frozen=True)
class Suggestion:
    code: str
    score: float


def _vectoriser():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, dtype=np.float32)


@dataclass
class _Index:
    vectoriser: object
    matrix: object  # labels × n-grams, rows L2-normalised
    codes: np.ndarray  # ISCO code of each label
    weights: np.ndarray
    exact: dict[str, str]  # normalised label → code, for exact matches


def training_labels() -> list[tuple[str, str, float]]:
    """(normalised label, ISCO unit group, weight) from the files shipped with the app."""
    rows: dict[tuple[str, str], float] = {}
    with open(DATA / "esco_occupation_labels.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = normalise(row["label"])
            weight = 1.0 if row["kind"] == "preferred" else ALTERNATIVE_WEIGHT
            if key and rows.get((key, row["isco"]), 0.0) < weight:
                rows[(key, row["isco"])] = weight
    with open(DATA / "titles_fr.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = normalise(row["title"])
            if key:
                rows[(key, row["isco"])] = FRENCH_WEIGHT
    return [(key, code, weight) for (key, code), weight in rows.items()]


def _build(labels: list[tuple[str, str, float]], vectoriser=None) -> _Index:
    texts = [label for label, _code, _weight in labels]
    if vectoriser is None:
        vectoriser = _vectoriser().fit(texts)
    matrix = vectoriser.transform(texts)
    exact: dict[str, tuple[float, str]] = {}
    for label, code, weight in labels:
        if weight > exact.get(label, (0.0, ""))[0]:
            exact[label] = (weight, code)
    return _Index(
        vectoriser,
        matrix,
        np.array([code for _label, code, _weight in labels]),
        np.array([weight for _label, _code, weight in labels], dtype=np.float32),
        {label: code for label, (_weight, code) in exact.items()},
    )


@cache
def base_index() -> _Index:
    return _build(training_labels())


_lock = threading.Lock()
_decisions: dict[tuple, _Index | None] = {}


def _decision_index() -> _Index | None:
    """The users' decisions (the latest per title wins), vectorised with the base vocabulary."""
    from kafaat.labour.models import CodingDecision

    fingerprint = tuple(CodingDecision.objects.aggregate(n=Count("id"), last=Max("id")).values())
    with _lock:
        if fingerprint in _decisions:
            return _decisions[fingerprint]
        latest: dict[str, str] = {}
        for key, code in CodingDecision.objects.order_by("decided_at", "id").values_list(
            "title_key", "occupation__code"
        ):
            latest[key] = code
        labels = [(key, code, CORRECTION_WEIGHT) for key, code in latest.items() if key]
        index = _build(labels, base_index().vectoriser) if labels else None
        _decisions.clear()
        _decisions[fingerprint] = index
        return index


def _scores(index: _Index, vectors) -> list[dict[str, float]]:
    similarities = (vectors @ index.matrix.T).tocsr()
    out = []
    for row in range(similarities.shape[0]):
        start, end = similarities.indptr[row], similarities.indptr[row + 1]
        columns, values = similarities.indices[start:end], similarities.data[start:end]
        best: dict[str, float] = {}
        if len(values):
            weighted = values * index.weights[columns]
            if (
                len(weighted) > TOP_LABELS
            ):  # most labels share some n-gram: keep the best few, unsorted, first
                kept = np.argpartition(-weighted, TOP_LABELS)[:TOP_LABELS]
                top = kept[np.argsort(-weighted[kept])]
            else:
                top = np.argsort(-weighted)
            for position in top:
                code = index.codes[columns[position]]
                if code not in best:
                    best[code] = float(weighted[position])
        out.append(best)
    return out


def suggest_many(titles: list[str], top: int = 3, *, use_decisions: bool = True) -> list[list[Suggestion]]:
    """The `top` most likely ISCO unit groups of each title, best first (scores in 0–1.15)."""
    if not titles:
        return []
    keys = [normalise(title) for title in titles]
    unique = list(dict.fromkeys(keys))  # ads repeat titles: score each distinct one once
    ranked: dict[str, list[Suggestion]] = {}
    for start in range(0, len(unique), CHUNK):  # a chunk's similarities are dense: bound their memory
        chunk = unique[start : start + CHUNK]
        ranked.update(zip(chunk, _rank(chunk, top, use_decisions), strict=True))
    return [ranked[key] for key in keys]


def _rank(keys: list[str], top: int, use_decisions: bool) -> list[list[Suggestion]]:
    base = base_index()
    vectors = base.vectoriser.transform(keys)
    merged = _scores(base, vectors)
    decisions = _decision_index() if use_decisions else None
    if decisions is not None:
        for best, extra in zip(merged, _scores(decisions, vectors), strict=True):
            for code, score in extra.items():
                best[code] = max(best.get(code, 0.0), score)
    results = []
    for key, best in zip(keys, merged, strict=True):
        exact = (decisions.exact.get(key) if decisions else None) or base.exact.get(key)
        if exact is not None:
            best[exact] = max(best.get(exact, 0.0), 1.0) + 0.5
        ranked = sorted(best.items(), key=lambda item: -item[1])[:top]
        results.append([Suggestion(str(code), round(min(score, 1.0), 3)) for code, score in ranked])
    return results


def suggest(title: str, top: int = 3) -> list[Suggestion]:
    return suggest_many([title], top)[0]


def forget_decisions() -> None:
    """Tests and the demo call this after writing decisions outside the usual services."""
    with _lock:
        _decisions.clear()
