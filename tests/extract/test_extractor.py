"""kg.extract.Extractor (kg/extract/__init__.py): claims with their evidence, the sentence that states them."""
from __future__ import annotations


def test_evidence_points_at_the_sentence(claims_in):
    text = "Talks stalled in May.\nIran and Russia have bolstered Syrian regime forces."
    claims = claims_in(text)
    assert [(c.subject.text, c.relation.value, c.object.text) for c in claims] == [
        ("Iran", "backs", "Syrian regime forces"), ("Russia", "backs", "Syrian regime forces")]
    claim = claims[0]
    assert text[claim.evidence.start:claim.evidence.end] == claim.evidence.sentence
    assert claim.evidence.sentence.startswith("Iran and Russia")


def test_a_line_break_ends_a_sentence(claims_in):
    # A headline without a full stop must not run into the first sentence.
    claims = claims_in("Rebels regroup in the north\nIran backs the Syrian government.")
    assert [(c.subject.text, c.relation.value, c.object.text) for c in claims] == [("Iran", "backs", "Syrian government")]
    assert all(c.evidence.sentence.startswith("Iran") for c in claims)
