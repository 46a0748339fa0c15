"""OpenAI-compatible provider (OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp server).

Every message content and every embedding input passes the PII masker right before it is sent;
placeholders in the reply are restored. Nothing else in the code base talks to the model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from urakata.assistant.masking import Masker, MaskSession
from urakata.assistant.providers.base import Completion, Passage, ProviderError

NO_ANSWER = "資料に記載がありません"
ANSWER_SYSTEM = (
    "あなたは社内規程に基づいて従業員の質問に答えるアシスタントです。"
    "与えられた資料だけを根拠に、日本語で簡潔に答えてください。資料の外の知識や推測は使わないでください。"
    "答えの根拠となる資料の文を「」で引用し、最後に出典を(規程名 › 第n条)の形で示してください。"
    "複数の資料を組み合わせた場合は、組み合わせたすべての出典を示してください。"
    f"資料に答えがない場合は「{NO_ANSWER}」とだけ答えてください。"
    "[PERSON_1] のような角括弧の記号はそのまま残してください。"
)
SUMMARY_SYSTEM = "次の文章を日本語で箇条書きにせず、{n}文以内で要約してください。角括弧の記号はそのまま残してください。"


class OpenAIProvider:
    """Speaks POST {base}/chat/completions and {base}/embeddings with a bearer key."""

    name = "openai"

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        model: str,
        timeout: float = 20.0,
        masker: Masker | Callable[[], Masker] | None = None,
        embedding_model: str = "",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.model = model or "gpt-4o-mini"
        self.embedding_model = embedding_model
        self.timeout = timeout
        self._masker = masker
        self._transport = transport
        self.last_masked = 0

    def _get_masker(self) -> Masker:
        if isinstance(self._masker, Masker):
            return self._masker
        if callable(self._masker):
            return self._masker()
        from urakata.assistant.directory import directory_masker

        return directory_masker()

    def _post(self, path: str, payload: dict[str, Any], masked: int) -> dict[str, Any]:
        if not self.base_url:
            raise ProviderError("OPENAI_BASE_URL is not set", masked_entities=masked)
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        try:
            with httpx.Client(timeout=self.timeout, transport=self._transport) as client:
                response = client.post(f"{self.base_url}{path}", json=payload, headers=headers)
        except httpx.TimeoutException as error:
            raise ProviderError(
                f"timeout after {self.timeout:g}s", masked_entities=masked
            ) from error
        except httpx.HTTPError as error:
            raise ProviderError(f"connection failed: {error}", masked_entities=masked) from error
        if response.status_code >= 400:
            raise ProviderError(f"HTTP {response.status_code}", masked_entities=masked)
        try:
            body: dict[str, Any] = response.json()
        except ValueError as error:
            raise ProviderError("reply is not JSON", masked_entities=masked) from error
        return body

    def chat(self, messages: list[dict[str, str]], *, json_mode: bool = False) -> Completion:
        """Mask every message, send, restore placeholders in the reply."""
        session: MaskSession = self._get_masker().session()
        masked_messages = [
            {"role": m["role"], "content": session.mask(m["content"]).masked} for m in messages
        ]
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": masked_messages,
            "temperature": 0.2,
        }
        if json_mode:
            payload["response_format"] = {"type": "json_object"}
        body = self._post("/chat/completions", payload, session.entity_count)
        try:
            content = body["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError) as error:
            raise ProviderError(
                "reply has no choices[0].message.content", masked_entities=session.entity_count
            ) from error
        usage = body.get("usage") or {}
        return Completion(
            text=session.restore(content),
            provider=self.name,
            model=str(body.get("model") or self.model),
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            masked_entities=session.entity_count,
        )

    def answer(self, *, question: str, passages: list[Passage]) -> Completion:
        context = "\n\n".join(
            f"[資料{i}] {p.label}\n{p.text}" for i, p in enumerate(passages[:5], start=1)
        )
        return self.chat(
            [
                {"role": "system", "content": ANSWER_SYSTEM},
                {"role": "user", "content": f"資料:\n{context}\n\n質問: {question}"},
            ]
        )

    def summarize(self, *, text: str, max_sentences: int = 5) -> Completion:
        return self.chat(
            [
                {"role": "system", "content": SUMMARY_SYSTEM.format(n=max_sentences)},
                {"role": "user", "content": text},
            ]
        )

    def chat_json(self, *, system: str, user: str) -> Completion:
        completion = self.chat(
            [{"role": "system", "content": system}, {"role": "user", "content": user}],
            json_mode=True,
        )
        text = completion.text.strip()
        if text.startswith("```"):
            text = text.strip("`").removeprefix("json").strip()
        try:
            completion.data = json.loads(text)
        except ValueError as error:
            raise ProviderError(
                "reply is not valid JSON", masked_entities=completion.masked_entities
            ) from error
        return completion

    def embed(self, texts: list[str]) -> list[list[float]] | None:
        """Embeddings of masked texts, or None when no embedding model is configured."""
        if not self.embedding_model or not texts:
            return None
        session = self._get_masker().session()
        inputs = [session.mask(t).masked for t in texts]
        self.last_masked = session.entity_count
        body = self._post(
            "/embeddings", {"model": self.embedding_model, "input": inputs}, session.entity_count
        )
        try:
            return [list(map(float, item["embedding"])) for item in body["data"]]
        except (KeyError, TypeError, ValueError) as error:
            raise ProviderError("embeddings reply is malformed") from error

    def check(self) -> Completion:
        return self.chat([{"role": "user", "content": "「OK」とだけ返答してください。"}])
