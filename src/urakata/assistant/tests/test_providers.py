"""Providers: the OpenAI-compatible client against a real local HTTP server started in the test.

Asserts on what the server received (no unmasked PII), on restored answers, and on the fallback to
the local provider when the server is slow (timeout) or answers 500. Every call is logged.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from typing import Any

import httpx
import pytest
from django.core.management import call_command

from urakata.assistant import services
from urakata.assistant.models import AICallLog, KnowledgeChunk
from urakata.assistant.providers import (
    LocalProvider,
    OpenAIProvider,
    Passage,
    ProviderError,
    get_provider,
)
from urakata.assistant.tests.factories import make_faq, make_source
from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.org.tests.factories import CounterpartyFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

PII = ["緑川", "一郎", "090-1234-5678", "midori@example.jp", "123123123128", "北辰精機"]


class FakeChatServer:
    """A tiny OpenAI-compatible server: records requests; mode ok / slow / error / garbage."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.reply = "[PERSON_1]さんの申請期限は翌月10日です。"
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append({"path": self.path, "body": body})
                server.headers.append(dict(self.headers))
                if server.mode == "slow":
                    time.sleep(1.5)
                if server.mode == "error":
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b'{"error": "boom"}')
                    return
                if self.path.endswith("/embeddings"):
                    data = [
                        {
                            "embedding": [1.0, 0.0, 0.0]
                            if ("自転車" in t or "チャリ" in t)
                            else [0.0, 1.0, 0.0]
                        }
                        for t in body["input"]
                    ]
                    payload: dict[str, Any] = {"data": data}
                elif server.mode == "garbage":
                    payload = {"unexpected": True}
                else:
                    payload = {
                        "model": body.get("model"),
                        "choices": [{"message": {"role": "assistant", "content": server.reply}}],
                        "usage": {"prompt_tokens": 42, "completion_tokens": 7},
                    }
                raw = json.dumps(payload).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def sent_text(self) -> str:
        return json.dumps([r["body"] for r in self.requests], ensure_ascii=False)


@pytest.fixture
def chat_server() -> Iterator[FakeChatServer]:
    server = FakeChatServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def openai_settings(settings: Any, chat_server: FakeChatServer) -> FakeChatServer:
    settings.URAKATA_AI_PROVIDER = "openai"
    settings.OPENAI_BASE_URL = chat_server.url
    settings.OPENAI_API_KEY = "sk-test"
    settings.URAKATA_AI_MODEL = "test-model"
    settings.URAKATA_AI_TIMEOUT = 0.5
    settings.URAKATA_AI_MIN_CONFIDENCE = 20
    return chat_server


@pytest.fixture
def people() -> None:
    EmployeeFactory(
        last_name="緑川", first_name="一郎", last_name_kana="ミドリカワ", first_name_kana="イチロウ"
    )
    CounterpartyFactory(name="株式会社北辰精機", name_kana="ホクシンセイキ")


QUESTION = (
    "緑川一郎さん(携帯 090-1234-5678、midori@example.jp、個人番号123123123128)の"
    "経費精算の申請期限はいつですか?北辰精機の出張分です。"
)


def _ask(make_user: Any) -> tuple[Any, services.AskResult]:
    make_faq(
        "経費精算の申請期限はいつですか",
        "経費精算は翌月10日までに申請してください。",
        desk="accounting",
    )
    user = make_user(Role.EMPLOYEE)
    return user, services.assistant_ask(actor=user, question=QUESTION)


def test_openai_answer_is_masked_on_the_wire_and_restored(
    openai_settings: FakeChatServer, people: None, make_user: Any
) -> None:
    user, result = _ask(make_user)
    assert len(openai_settings.requests) == 1
    request = openai_settings.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "test-model"
    assert openai_settings.headers[0]["Authorization"] == "Bearer sk-test"
    sent = openai_settings.sent_text()
    for secret in PII:
        assert secret not in sent, secret
    assert "[PERSON_1]" in sent and "[PHONE_1]" in sent and "[MY_NUMBER_1]" in sent
    assert "翌月10日" in sent  # the retrieved passage went along
    assert result.found and result.provider == "openai" and not result.note
    assert result.answer == "緑川一郎さんの申請期限は翌月10日です。"
    log = AICallLog.objects.get()
    assert (log.user, log.feature, log.provider, log.model) == (
        user,
        "kb_ask",
        "openai",
        "test-model",
    )
    assert log.masked_entities >= 5 and log.prompt_tokens == 42 and log.completion_tokens == 7
    assert not log.fallback
    assert AuditEvent.objects.filter(action="assistant.ai_call", target_id=str(log.pk)).exists()


@pytest.mark.parametrize("mode", ["slow", "error", "garbage"])
def test_failures_fall_back_to_local_with_a_note(
    openai_settings: FakeChatServer, people: None, make_user: Any, mode: str
) -> None:
    openai_settings.mode = mode
    _user, result = _ask(make_user)
    assert len(openai_settings.requests) == 1
    for secret in PII:
        assert secret not in openai_settings.sent_text(), secret
    assert result.found and result.provider == "local"
    assert "ローカル処理" in result.note
    assert "翌月10日" in result.answer and "経費精算の申請期限はいつですか" in result.answer
    log = AICallLog.objects.get()
    assert log.fallback and log.provider == "local" and log.masked_entities >= 5
    if mode == "slow":
        assert "timeout" in log.note
    if mode == "error":
        assert "HTTP 500" in log.note


def test_unreachable_server_falls_back(settings: Any, make_user: Any) -> None:
    settings.URAKATA_AI_PROVIDER = "openai"
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"  # discard port: connection refused
    settings.URAKATA_AI_MIN_CONFIDENCE = 20
    _user, result = _ask(make_user)
    assert result.provider == "local" and "connection failed" in result.note


def test_summaries_and_embeddings_are_masked(chat_server: FakeChatServer, people: None) -> None:
    provider = OpenAIProvider(base_url=chat_server.url, api_key="", model="m", embedding_model="e")
    chat_server.reply = "[PERSON_1]が担当"
    completion = provider.summarize(text="緑川一郎が090-1234-5678に連絡する。")
    assert completion.text == "緑川一郎が担当"
    vectors = provider.embed(["緑川さんの住所は東京都渋谷区渋谷2-1-1"])
    assert vectors == [[0.0, 1.0, 0.0]]
    sent = chat_server.sent_text()
    assert "緑川" not in sent and "090-1234-5678" not in sent and "渋谷2-1-1" not in sent
    assert "Authorization" not in chat_server.headers[0]


def test_provider_errors_are_typed(chat_server: FakeChatServer) -> None:
    chat_server.mode = "error"
    provider = OpenAIProvider(
        base_url=chat_server.url,
        api_key="k",
        model="m",
        masker=lambda: __import__("urakata.assistant.masking", fromlist=["Masker"]).Masker(),
    )
    with pytest.raises(ProviderError, match="HTTP 500"):
        provider.chat([{"role": "user", "content": "hi"}])
    with pytest.raises(ProviderError, match="no chat model"):
        LocalProvider().chat_json(system="s", user="u")


def test_local_provider_quotes_sources() -> None:
    passages = [
        Passage("旅費規程", "第5条 日当", "日当は1日3,000円とする。宿泊費は実費精算とする。"),
        Passage("FAQ", "", "出張の申請はワークフローから行います。"),
    ]
    completion = LocalProvider().answer(question="出張の日当はいくらですか", passages=passages)
    # One article answers: the best passage's sentence is quoted and cited, nothing else mixed in.
    assert completion.text == "「日当は1日3,000円とする。」(旅費規程 › 第5条 日当)"
    assert completion.provider == "local"


def test_get_provider_reads_settings(settings: Any) -> None:
    assert get_provider().name == "local"
    settings.URAKATA_AI_PROVIDER = "openai"
    settings.OPENAI_BASE_URL = "http://x/v1"
    provider = get_provider()
    assert provider.name == "openai"


def test_ai_check_command(openai_settings: FakeChatServer) -> None:
    out = StringIO()
    openai_settings.reply = "OK"
    call_command("ai", "check", stdout=out)
    assert "OK  openai answered" in out.getvalue()
    openai_settings.mode = "error"
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("ai", "check", stdout=out)
    assert "NG  openai: HTTP 500" in out.getvalue()
    assert "local provider works" in out.getvalue()


def _urakata_check() -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("urakata_check", stdout=out, stderr=StringIO())
    except SystemExit as stop:
        return out.getvalue(), int(stop.code or 0)
    return out.getvalue(), 0


def test_urakata_check_probes_the_provider_like_ai_check(openai_settings: FakeChatServer) -> None:
    openai_settings.reply = "OK"
    text, code = _urakata_check()
    assert code == 0
    assert f"OK  AI provider: openai test-model at {openai_settings.url} answered in" in text
    assert openai_settings.requests[-1]["path"].endswith("/chat/completions")
    openai_settings.mode = "error"
    text, code = _urakata_check()
    assert code == 1
    assert "NG  AI provider: openai test-model" in text
    assert "HTTP 500 — answers fall back to the local provider" in text
    assert not AICallLog.objects.exists()  # a health probe is not an AI use of anyone's


def test_urakata_check_with_the_local_provider_stays_offline(monkeypatch: Any) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the local provider check must not open a connection")

    monkeypatch.setattr(httpx.Client, "__init__", no_network)
    text, code = _urakata_check()
    assert code == 0
    assert "OK  AI provider: local answered in" in text


def test_settings_page_check_uses_the_same_probe_and_logs_it(
    openai_settings: FakeChatServer, make_user: Any
) -> None:
    openai_settings.mode = "error"
    result = services.provider_check(actor=make_user(Role.ADMIN))
    assert (result["ok"], result["provider"], result["detail"]) == (False, "openai", "HTTP 500")
    log = AICallLog.objects.get()
    assert (log.feature, log.ok, log.fallback) == ("check", False, True)


def test_embeddings_after_commit_and_fused_retrieval(
    openai_settings: FakeChatServer,
    people: None,
    make_user: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.URAKATA_AI_EMBEDDING_MODEL = "embed-model"
    with django_capture_on_commit_callbacks(execute=True):
        bike = make_faq("自転車通勤はできますか", "申請すれば可能です。担当は緑川一郎さんです。")
        make_faq("来客用駐車場はありますか", "地下に3台分あります。")
    chunks = KnowledgeChunk.objects.order_by("source_id")
    assert [c.embedding for c in chunks] == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    embed_logs = AICallLog.objects.filter(feature="embed")
    assert embed_logs.count() == 2 and sum(log.masked_entities for log in embed_logs) == 1
    assert "緑川" not in openai_settings.sent_text()
    user = make_user(Role.EMPLOYEE)
    # "チャリ通" shares no token with the FAQ: only the vector ranking finds it.
    result = services.assistant_ask(actor=user, question="チャリ通したい")
    assert result.sources[0]["title"] == bike.title
    assert AICallLog.objects.filter(feature="embed_query", user=user).count() == 1


TWO_ARTICLES = """# 旅費規程

## 第5条(日当)

宿泊を伴う出張には1日2,500円の日当を支給する。

## 第6条(近距離の移動)

近距離の移動の電車賃は経費精算で申請する。
"""


def test_openai_gets_only_the_chosen_article_and_the_instruction(
    openai_settings: FakeChatServer, make_user: Any
) -> None:
    make_source(title="旅費規程", body=TWO_ARTICLES)
    openai_settings.reply = "「宿泊を伴う出張には1日2,500円の日当を支給する。」(旅費規程 › 第5条)"
    result = services.assistant_ask(actor=make_user(Role.EMPLOYEE), question="出張手当はいくら?")
    messages = openai_settings.requests[0]["body"]["messages"]
    assert "資料に答えがない場合は「資料に記載がありません」" in messages[0]["content"]
    assert "引用" in messages[0]["content"] and "第n条" in messages[0]["content"]
    assert "旅費規程 › 第5条(日当)" in messages[1]["content"]
    assert "近距離" not in messages[1]["content"]  # the other article stays out of the prompt
    assert result.found and result.answer == openai_settings.reply


def test_openai_saying_the_passages_do_not_answer_is_not_found(
    openai_settings: FakeChatServer, make_user: Any
) -> None:
    make_source(title="旅費規程", body=TWO_ARTICLES)
    openai_settings.reply = "資料に記載がありません。"
    result = services.assistant_ask(actor=make_user(Role.EMPLOYEE), question="出張手当はいくら?")
    assert not result.found and result.provider == "openai"
    assert "見つかりませんでした" in result.answer
