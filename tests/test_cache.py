"""Tests of the feature store: hits and misses, key sensitivity, corruption handling, concurrency, float16."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest
import torch

from debiasood.data import feature_store as cache
from debiasood.data.feature_store import (
    CacheCorruptionWarning,
    FeatureKey,
    FeatureStore,
    cached_text_features,
)
from debiasood.data.files import default_cache_root, file_sha256


def make_key(**changes) -> FeatureKey:
    fields = dict(encoder_id="fake:v1", kind="text", fingerprint="corpus-a", templates=("the nice {}",))
    fields.update(changes)
    return FeatureKey(**fields)


def features(seed: int = 0, rows: int = 5, dim: int = 4) -> torch.Tensor:
    return torch.randn(rows, dim, generator=torch.Generator().manual_seed(seed))


class Counter:
    """A compute function that counts its calls."""

    def __init__(self, value: torch.Tensor) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> torch.Tensor:
        self.calls += 1
        return self.value.clone()


@pytest.fixture
def store(tmp_path: Path) -> FeatureStore:
    return FeatureStore(tmp_path / "cache")


def test_miss_then_hit(store: FeatureStore) -> None:
    key, compute = make_key(), Counter(features())
    first = store.get_or_compute(key, compute)
    second = store.get_or_compute(key, compute)
    assert compute.calls == 1
    assert torch.equal(first, compute.value) and torch.equal(second, compute.value)
    assert first.dtype == torch.float32 and first.device.type == "cpu"
    path = store.path_for(key)
    assert path.exists() and path.with_suffix(".json").exists()
    sidecar = json.loads(path.with_suffix(".json").read_text())
    assert sidecar["key"]["fingerprint"] == "corpus-a" and sidecar["key"]["templates"] == ["the nice {}"]
    assert sidecar["shape"] == [5, 4] and sidecar["storage_dtype"] == "float32"
    assert sidecar["format_version"] == cache.FEATURE_FORMAT_VERSION
    assert sidecar["sha256"] == hashlib.sha256(compute.value.numpy().tobytes()).hexdigest()
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_every_key_field_changes_the_path(store: FeatureStore, monkeypatch: pytest.MonkeyPatch) -> None:
    base = make_key()
    variants = {
        "base": store.path_for(base),
        "encoder_id": store.path_for(make_key(encoder_id="fake:v2")),
        "kind": store.path_for(make_key(kind="image", templates=())),
        "fingerprint": store.path_for(make_key(fingerprint="corpus-b")),
        "templates": store.path_for(make_key(templates=("a photo of a {}",))),
        "template list": store.path_for(make_key(templates=("the nice {}", "a photo of a {}"))),
        "raw": store.path_for(make_key(raw=True)),
        "ensemble": store.path_for(make_key(ensemble="raw_mean")),
        "content_sha256": store.path_for(make_key(content_sha256="abc")),
        "dtype": store.path_for(base, dtype="float16"),
    }
    monkeypatch.setattr(cache, "FEATURE_FORMAT_VERSION", cache.FEATURE_FORMAT_VERSION + 1)
    variants["format version"] = store.path_for(base)
    assert len(set(variants.values())) == len(variants), variants
    # Lists and tuples of templates are the same key.
    monkeypatch.undo()
    assert store.path_for(make_key(templates=["the nice {}"])) == variants["base"]


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-7])


def _flip_payload_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-3] ^= 0xFF  # inside the tensor bytes, which sit at the end of a safetensors file
    path.write_bytes(bytes(data))


def _flip_header_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[12] ^= 0xFF
    path.write_bytes(bytes(data))


def _delete_sidecar(path: Path) -> None:
    path.with_suffix(".json").unlink()


def _garble_sidecar(path: Path) -> None:
    path.with_suffix(".json").write_text("{not json")


def _wrong_sidecar_checksum(path: Path) -> None:
    sidecar = path.with_suffix(".json")
    record = json.loads(sidecar.read_text())
    record["sha256"] = "0" * 64
    sidecar.write_text(json.dumps(record))


def _wrong_sidecar_shape(path: Path) -> None:
    sidecar = path.with_suffix(".json")
    record = json.loads(sidecar.read_text())
    record["shape"] = [4, 5]
    sidecar.write_text(json.dumps(record))


def _delete_data(path: Path) -> None:
    path.unlink()


def _empty_data(path: Path) -> None:
    path.write_bytes(b"")


DAMAGE = {
    "truncated data": (_truncate, "unreadable or truncated"),
    "payload byte flipped": (_flip_payload_byte, "checksum mismatch"),
    "header byte flipped": (_flip_header_byte, "unreadable or truncated"),
    "empty data file": (_empty_data, "unreadable or truncated"),
    "sidecar deleted": (_delete_sidecar, "sidecar .* is missing"),
    "sidecar garbled": (_garble_sidecar, "sidecar .* is unreadable"),
    "sidecar checksum wrong": (_wrong_sidecar_checksum, "checksum mismatch"),
    "sidecar shape wrong": (_wrong_sidecar_shape, "shape"),
    "data deleted": (_delete_data, "data file is missing"),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_damage_is_reported_and_rebuilt(store: FeatureStore, damage: str) -> None:
    key, compute = make_key(), Counter(features())
    store.get_or_compute(key, compute)
    path = store.path_for(key)
    corrupt, problem = DAMAGE[damage]
    corrupt(path)
    with pytest.warns(CacheCorruptionWarning, match=rf"{path.name}.*{problem}.*recomputing"):
        rebuilt = store.get_or_compute(key, compute)
    assert compute.calls == 2
    assert torch.equal(rebuilt, compute.value)
    # The rebuilt entry is valid again: no warning, no compute.
    again = store.get_or_compute(key, compute)
    assert compute.calls == 2 and torch.equal(again, compute.value)


def test_entry_of_another_key_is_not_used(store: FeatureStore) -> None:
    key_a, key_b = make_key(), make_key(fingerprint="corpus-b")
    store.get_or_compute(key_a, Counter(features(1)))
    store.get_or_compute(key_b, Counter(features(2)))
    path_a, path_b = store.path_for(key_a), store.path_for(key_b)
    for suffix in (".safetensors", ".json"):  # a whole, self-consistent entry copied under the wrong name
        path_a.with_suffix(suffix).write_bytes(path_b.with_suffix(suffix).read_bytes())
    compute = Counter(features(1))
    with pytest.warns(CacheCorruptionWarning, match="key stored with it differs"):
        result = store.get_or_compute(key_a, compute)
    assert compute.calls == 1 and torch.equal(result, features(1))


def _concurrent_worker(root: str, barrier, results, counter_file: str) -> None:  # noqa: ANN001
    def compute() -> torch.Tensor:
        with open(counter_file, "a") as handle:  # O_APPEND: one line per call, from any process
            handle.write(f"{os.getpid()}\n")
        time.sleep(0.5)  # hold the lock long enough that the others really wait on it
        return features(7, rows=64, dim=16)

    barrier.wait()
    value = FeatureStore(root).get_or_compute(make_key(), compute)
    results.put(hashlib.sha256(value.numpy().tobytes()).hexdigest())


def test_concurrent_writers_compute_once(tmp_path: Path) -> None:
    # fork: the children inherit the imported modules instead of re-importing torch (seconds each on 2 cores).
    context = multiprocessing.get_context("fork")
    workers = 4
    barrier, results = context.Barrier(workers), context.Queue()
    counter_file, root = tmp_path / "calls.txt", tmp_path / "cache"
    processes = [
        context.Process(target=_concurrent_worker, args=(str(root), barrier, results, str(counter_file)))
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    digests = [results.get(timeout=120) for _ in range(workers)]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    expected = hashlib.sha256(features(7, rows=64, dim=16).numpy().tobytes()).hexdigest()
    assert digests == [expected] * workers
    assert len(counter_file.read_text().split()) == 1, "the features were computed more than once"
    store = FeatureStore(root)
    files = sorted(p.name for p in store.path_for(make_key()).parent.iterdir())
    digest = store.digest(make_key())
    assert files == [f"{digest}.json", f"{digest}.lock", f"{digest}.safetensors"]


def test_float16_storage(store: FeatureStore) -> None:
    key, compute = make_key(), Counter(features())
    first = store.get_or_compute(key, compute, dtype="float16")
    second = store.get_or_compute(key, compute, dtype="float16")
    assert compute.calls == 1
    assert first.dtype == second.dtype == torch.float32
    assert torch.equal(first, compute.value.half().float()) and torch.equal(first, second)
    sidecar = json.loads(store.path_for(key, dtype="float16").with_suffix(".json").read_text())
    assert sidecar["storage_dtype"] == "float16"
    assert store.path_for(key, dtype="float16").stat().st_size < 100 + 5 * 4 * 2 + 600  # 2 bytes per value
    # A float32 request is a different entry.
    store.get_or_compute(key, compute, dtype="float32")
    assert compute.calls == 2


def test_float16_overflow_is_refused(store: FeatureStore) -> None:
    with pytest.raises(ValueError, match="overflow float16"):
        store.get_or_compute(make_key(), lambda: torch.full((2, 2), 1e6), dtype="float16")
    assert not store.path_for(make_key(), dtype="float16").exists()


def test_bad_compute_results_are_not_cached(store: FeatureStore) -> None:
    key = make_key()
    with pytest.raises(ValueError, match="NaN or inf"):
        store.get_or_compute(key, lambda: torch.tensor([[float("nan"), 1.0]]))
    with pytest.raises(TypeError, match="must return a torch.Tensor"):
        store.get_or_compute(key, lambda: [[1.0, 2.0]])
    with pytest.raises(TypeError, match="floating-point"):
        store.get_or_compute(key, lambda: torch.ones(2, 2, dtype=torch.int64))
    with pytest.raises(ValueError, match="empty tensor"):
        store.get_or_compute(key, lambda: torch.empty(0, 4))

    def boom() -> torch.Tensor:
        raise RuntimeError("encoder crashed")

    with pytest.raises(RuntimeError, match="encoder crashed"):
        store.get_or_compute(key, boom)
    assert not store.path_for(key).exists()
    # The lock was released: the next call computes normally.
    assert torch.equal(store.get_or_compute(key, Counter(features())), features())
    with pytest.raises(ValueError, match="dtype must be one of"):
        store.get_or_compute(key, Counter(features()), dtype="float64")


def test_clear(store: FeatureStore) -> None:
    assert store.clear() == 0
    store.get_or_compute(make_key(), Counter(features()))
    store.get_or_compute(make_key(kind="image", templates=()), Counter(features(3)))
    assert store.clear() == 2
    compute = Counter(features())
    store.get_or_compute(make_key(), compute)
    assert compute.calls == 1


def test_cache_root_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DEBIASOOD_CACHE", str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_root() == tmp_path / "explicit"
    store = FeatureStore()
    assert store.root == tmp_path / "explicit"
    store.get_or_compute(make_key(), Counter(features()))
    assert store.path_for(make_key()).is_relative_to(tmp_path / "explicit")
    assert store.path_for(make_key()).exists()
    monkeypatch.delenv("DEBIASOOD_CACHE")
    assert default_cache_root() == tmp_path / "xdg" / "debiasood"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # invalid per the XDG spec: ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_root() == tmp_path / "home" / ".cache" / "debiasood"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_root() == tmp_path / "home" / ".cache" / "debiasood"


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        (dict(encoder_id=""), ValueError, "encoder_id"),
        (dict(fingerprint="  "), ValueError, "fingerprint"),
        (dict(kind="audio"), ValueError, "kind must be one of"),
        (dict(templates=()), ValueError, "at least one prompt template"),
        (dict(templates="the nice {}"), TypeError, "single str"),
        (dict(templates=("no slot",)), ValueError, "exactly one"),
        (dict(kind="image"), ValueError, "takes no prompt templates"),
        (dict(raw=1), TypeError, "raw must be a bool"),
        (dict(ensemble="median"), ValueError, "ensemble must be"),
        (dict(content_sha256=""), ValueError, "content_sha256"),
    ],
)
def test_feature_key_validation(changes: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        make_key(**changes)


class FakeEncoder:
    """Deterministic text 'encoder': each text maps to a seeded random vector of norm ~3 (not unit)."""

    id = "fake:v1"
    dim = 6
    supports_images = False

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode_texts(self, texts, *, batch_size=None, progress=None, raw=False):  # noqa: ANN001, ANN201
        self.calls.append(list(texts))
        rows = [
            torch.randn(self.dim, generator=torch.Generator().manual_seed(
                int.from_bytes(hashlib.sha256(text.encode()).digest()[:6], "big"))) * 3
            for text in texts
        ]
        out = torch.stack(rows)
        return out if raw else torch.nn.functional.normalize(out, dim=-1)


def test_cached_text_features_single_template(store: FeatureStore) -> None:
    encoder, labels = FakeEncoder(), ["cat", "dog", "car"]
    out = cached_text_features(encoder, labels, "the nice {}", "toy", store=store)
    expected = encoder.encode_texts([f"the nice {x}" for x in labels])
    assert torch.allclose(out, expected, atol=1e-6)
    assert encoder.calls[0] == ["the nice cat", "the nice dog", "the nice car"]
    calls = len(encoder.calls)
    again = cached_text_features(encoder, labels, ["the nice {}"], "toy", store=store)
    assert len(encoder.calls) == calls and torch.equal(again, out)
    raw = cached_text_features(encoder, labels, "the nice {}", "toy", store=store, raw=True)
    assert not torch.allclose(raw.norm(dim=1), torch.ones(3))
    assert torch.allclose(torch.nn.functional.normalize(raw, dim=-1), out, atol=1e-6)


def test_cached_text_features_ensembles(store: FeatureStore) -> None:
    encoder, labels, templates = FakeEncoder(), ["cat", "dog"], ["the nice {}", "a photo of a {}", "{}"]
    raw = torch.stack([encoder.encode_texts([t.format(x) for x in labels], raw=True) for t in templates])
    normalized_mean = cached_text_features(encoder, labels, templates, "toy", store=store)
    unit = torch.nn.functional.normalize(raw, dim=-1)
    assert torch.allclose(normalized_mean, torch.nn.functional.normalize(unit.mean(0), dim=-1), atol=1e-6)
    raw_mean = cached_text_features(encoder, labels, templates, "toy", store=store, ensemble="raw_mean")
    assert torch.allclose(raw_mean, torch.nn.functional.normalize(raw.mean(0), dim=-1), atol=1e-6)
    assert not torch.allclose(raw_mean, normalized_mean, atol=1e-4)
    unnormalised = cached_text_features(encoder, labels, templates, "toy", store=store, raw=True, ensemble="raw_mean")
    assert torch.allclose(unnormalised, raw.mean(0), atol=1e-6)
    with pytest.raises(ValueError, match="needs ensemble='raw_mean'"):
        cached_text_features(encoder, labels, templates, "toy", store=store, raw=True)


def test_cached_text_features_key_covers_the_labels(store: FeatureStore) -> None:
    encoder = FakeEncoder()
    first = cached_text_features(encoder, ["cat", "dog"], "{}", "same-fingerprint", store=store)
    # Same fingerprint, different labels: must not return the stale entry.
    second = cached_text_features(encoder, ["cat", "wolf"], "{}", "same-fingerprint", store=store)
    assert len(encoder.calls) == 2 and not torch.equal(first, second)


def test_cached_text_features_bad_input(store: FeatureStore) -> None:
    encoder = FakeEncoder()
    with pytest.raises(ValueError, match="labels is empty"):
        cached_text_features(encoder, [], "{}", "toy", store=store)
    with pytest.raises(TypeError, match=r"labels\[1\] must be a str"):
        cached_text_features(encoder, ["cat", 3], "{}", "toy", store=store)
    with pytest.raises(TypeError, match="single str"):
        cached_text_features(encoder, "cat", "{}", "toy", store=store)
    with pytest.raises(ValueError, match="templates is empty"):
        cached_text_features(encoder, ["cat"], [], "toy", store=store)
    with pytest.raises(ValueError, match="exactly one"):
        cached_text_features(encoder, ["cat"], "a photo", "toy", store=store)
    with pytest.raises(ValueError, match="fingerprint"):
        cached_text_features(encoder, ["cat"], "{}", "", store=store)
    with pytest.raises(ValueError, match="ensemble must be one of"):
        cached_text_features(encoder, ["cat"], ["{}", "a {}"], "toy", store=store, ensemble="max")
    assert encoder.calls == []


def test_file_sha256_is_memoised_by_size_and_mtime(tmp_path: Path) -> None:
    weights, root = tmp_path / "weights.bin", tmp_path / "cache"
    weights.write_bytes(b"abc" * 1000)
    expected = hashlib.sha256(b"abc" * 1000).hexdigest()
    assert file_sha256(weights, root=root) == expected
    assert len(list((root / "file-hashes").iterdir())) == 1
    stat = weights.stat()
    # Same size and mtime, different content: the memo answers (that is the point: no rehash of big files).
    weights.write_bytes(b"xyz" * 1000)
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert file_sha256(weights, root=root) == expected
    # A new mtime invalidates the memo.
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert file_sha256(weights, root=root) == hashlib.sha256(b"xyz" * 1000).hexdigest()
    # A broken memo is simply ignored.
    next((root / "file-hashes").iterdir()).write_text("garbage")
    assert file_sha256(weights, root=root) == hashlib.sha256(b"xyz" * 1000).hexdigest()


# ------------------------------------------------------------------------------------------- resumable text


class Interrupted(FakeEncoder):
    """FakeEncoder that is killed (KeyboardInterrupt) at its ``kill_at``-th call, counting the texts it encodes."""

    def __init__(self, kill_at: int | None = None) -> None:
        super().__init__()
        self.kill_at, self.texts = kill_at, 0

    def encode_texts(self, texts, **kwargs):  # noqa: ANN001, ANN003, ANN201
        if self.kill_at is not None and len(self.calls) + 1 == self.kill_at:
            raise KeyboardInterrupt("simulated kill")
        self.texts += len(texts)
        return super().encode_texts(texts, **kwargs)


def text_chunks(store: FeatureStore) -> list[Path]:
    return sorted((store.root / "partial" / "text").glob("*/chunk-*.safetensors"))


def test_text_encoding_resumes_after_a_kill_to_identical_features(tmp_path: Path) -> None:
    labels = [f"word{i}" for i in range(23)]
    templates = ["the nice {}", "a photo of a {}"]
    reference = cached_text_features(FakeEncoder(), labels, templates, "corpus", store=FeatureStore(tmp_path / "ref"),
                                     ensemble="raw_mean")
    store = FeatureStore(tmp_path / "store")
    # checkpoint_every=10 prompts with 2 templates: chunks of 5 labels, [0,5) [5,10) ... [20,23); 2 calls per chunk.
    killed = Interrupted(kill_at=6)  # the first call of the third chunk: two chunks are finished
    with pytest.raises(KeyboardInterrupt, match="simulated kill"):
        cached_text_features(killed, labels, templates, "corpus", store=store, ensemble="raw_mean",
                             checkpoint_every=10)
    assert [path.name for path in text_chunks(store)] == ["chunk-000000.safetensors", "chunk-000001.safetensors"]
    resumed, reported = Interrupted(), []
    result = cached_text_features(resumed, labels, templates, "corpus", store=store, ensemble="raw_mean",
                                  checkpoint_every=10, report=reported.append)
    assert resumed.texts == 2 * (23 - 10), "only the labels of the unfinished chunks are encoded again"
    assert reported == [5, 5, 5, 5, 3]
    assert torch.equal(result, reference), "a resumed run gives the features of an uninterrupted one, bit for bit"
    assert text_chunks(store) == [] and store.contains(cache.text_feature_key("fake:v1", labels, templates, "corpus",
                                                                              ensemble="raw_mean"))


def test_a_damaged_text_chunk_is_reported_and_encoded_again(tmp_path: Path) -> None:
    labels = [f"word{i}" for i in range(9)]
    store = FeatureStore(tmp_path / "store")
    with pytest.raises(KeyboardInterrupt):
        cached_text_features(Interrupted(kill_at=3), labels, "{}", "corpus", store=store, checkpoint_every=4)
    first, second = text_chunks(store)
    damaged = bytearray(second.read_bytes())
    damaged[-3] ^= 0xFF
    second.write_bytes(bytes(damaged))
    resumed = Interrupted()
    with pytest.warns(CacheCorruptionWarning, match="chunk-000001.*checksum mismatch"):
        result = cached_text_features(resumed, labels, "{}", "corpus", store=store, checkpoint_every=4)
    assert resumed.texts == 4 + 1
    assert torch.equal(result, cached_text_features(FakeEncoder(), labels, "{}", "corpus",
                                                    store=FeatureStore(tmp_path / "ref"), checkpoint_every=4))
    with pytest.raises(ValueError, match="checkpoint_every must be a positive int"):
        cached_text_features(FakeEncoder(), labels, "{}", "other", store=store, checkpoint_every=0)


def test_contains_sees_files_without_reading_them(store: FeatureStore) -> None:
    key = make_key()
    assert not store.contains(key)
    store.get_or_compute(key, Counter(features()))
    assert store.contains(key) and not store.contains(key, dtype="float16")
    store.path_for(key).with_suffix(".json").unlink()
    assert not store.contains(key)


def test_check_cache_root_names_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from debiasood.data.files import CacheRootError, check_cache_root

    monkeypatch.setenv("DEBIASOOD_CACHE", str(tmp_path / "new" / "cache"))
    assert check_cache_root() == tmp_path / "new" / "cache" and (tmp_path / "new" / "cache").is_dir()
    assert list((tmp_path / "new" / "cache").iterdir()) == [], "the write test leaves nothing behind"
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    monkeypatch.setenv("DEBIASOOD_CACHE", str(a_file))
    with pytest.raises(CacheRootError, match=r"DEBIASOOD_CACHE='.*a_file' points at a file, not a folder"):
        check_cache_root()
    monkeypatch.setenv("DEBIASOOD_CACHE", str(a_file / "below"))
    with pytest.raises(CacheRootError, match="DEBIASOOD_CACHE=.*cannot be created or written to"):
        check_cache_root()
    monkeypatch.delenv("DEBIASOOD_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(a_file))
    with pytest.raises(CacheRootError, match="XDG_CACHE_HOME=.*DEBIASOOD_CACHE is not set"):
        check_cache_root()
