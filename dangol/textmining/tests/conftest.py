import pytest


@pytest.fixture(autouse=True)
def private_model_dir(tmp_path_factory, monkeypatch):
    """Never read or write a model in the shared var dir: each test run has its own (empty → shipped model)."""
    monkeypatch.setenv("DANGOL_TEXT_MODEL_DIR", str(tmp_path_factory.getbasetemp() / "textmining-model"))
    from dangol.textmining import model

    model.reset()
    yield
    model.reset()
