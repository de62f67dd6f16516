"""The shared callback crypto: official vectors, round trips against wechatpy and dingtalk-sdk, negatives."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from dingtalk.crypto import DingTalkCrypto
from wechatpy.enterprise.crypto import WeChatCrypto

from bot.core.errors import ConfigError, DecryptError, InvalidSignature
from bot.platforms.crypto import CallbackCrypto, aes_key, hmac_sha256_b64, sha1_signature
from bot.platforms.dingtalk.inbound_chat import card_signature, robot_sign, verify_card_signature, verify_robot_sign

# -- official vectors (shared/protocols.md §1.6) -------------------------------------------------
W_TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
W_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
W_CORP = "ww1436e0e65a779aee"
W2_ENCRYPT = (
    "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew"
    "+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZ"
    "H4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwoc"
    "ugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+"
)
W3_TOKEN, W3_KEY, W3_CORP = "123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx49f0ab532d5d035a"
W3_ENCRYPT = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymz"
    "xh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiO"
    "AQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvcc"
    "TKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
)
W3_ECHO = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
# wechatpy's encryption known answer: fixed random prefix "1234567890123456".
W3_REPLY = """<xml>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
<ToUserName><![CDATA[messense]]></ToUserName>
<AgentID>1</AgentID>
<CreateTime>1411525903</CreateTime>
</xml>"""
W3_REPLY_ENCRYPT = (
    "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObv"
    "esEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8N"
    "RrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5o"
    "azPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
)

D1 = (
    "123456",
    "4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij",
    "suite4xxxxxxxxxxxxxxx",
    "5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0",
    "1445827045067",
    "nEXhMP4r",
    "1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+OzrHMeiZI7gTRWVdUBmfxjZ8Ej23JVYa9VrYe"
    "J5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/D6Ibr0rgUathB6zRHP8PYrfgnNOS9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ==",
    '{"EventType":"check_create_suite_url","Random":"LPIdSnlF","TestSuiteKey":"suite4xxxxxxxxxxxxxxx"}',
)
D2 = (
    "123456",
    "1234567890123456789012345678901234567890123",
    "dingsnotzck6pm5veliw",
    "9a95a004dd16f5c307e849b994173f76aa26e5eb",
    "1614767836",
    "A7Co0cJLMzIDtMMI",
    "YvkvaGe4hQxd3VxRmEty0dVlnCOAqwf56xwTRHDHoOURqhalbmBJQk5FNcRk42Gl5T0YQXZNwpwWSm1xAFJ5ZA==",
    "success",
)
D3 = (
    "mryue",
    "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7",
    "ding6ccabc44d2c8d38b",
    "03044561471240d4a14bb09372dfcfd4fd0e40cb",
    "1608001896814",
    "WL4PK6yA",
    "0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhELOFchz"
    "NukR+t8SB/qk4ROMu3",
    '{"EventType":"check_url"}',
)


def test_w1_wecom_url_verification() -> None:
    crypto = CallbackCrypto(W_TOKEN, W_KEY, [W_CORP])
    echo = "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="
    assert crypto.open("012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb", "1476416373", "47744683", echo) == (
        "1288432023552776189"
    )


def test_w2_wecom_post_message() -> None:
    crypto = CallbackCrypto(W_TOKEN, W_KEY, [W_CORP])
    plain = crypto.open("0c3914025cb4b4d68103f6bfc8db550f79dcf48e", "1476422779", "1597212914", W2_ENCRYPT)
    root = ET.fromstring(plain)  # noqa: S314 (our own decrypted test vector)
    assert root.findtext("FromUserName") == "ChenJiaShun"
    assert root.findtext("Content") == "你好"
    assert root.findtext("MsgId") == "1456453720"
    assert root.findtext("AgentID") == "1000002"


def test_w3_wechatpy_vectors_decrypt_and_encrypt() -> None:
    crypto = CallbackCrypto(W3_TOKEN, W3_KEY, [W3_CORP])
    plain = crypto.open("74d92dfeb87ba7c714f89d98870ae5eb62dff26d", "1411525903", "461056294", W3_ENCRYPT)
    root = ET.fromstring(plain)  # noqa: S314
    assert (root.findtext("Content"), root.findtext("FromUserName")) == ("test", "messense")
    assert crypto.open("dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780", "437374425", W3_ECHO)
    sealed = crypto.seal(W3_REPLY, timestamp="1411525903", nonce="461056294", random_prefix=b"1234567890123456")
    assert sealed.encrypt == W3_REPLY_ENCRYPT
    assert sealed.signature == "407518b7649e86ef23978113f92d27afa9296533"


@pytest.mark.parametrize("vector", [D1, D2, D3], ids=["D1", "D2", "D3"])
def test_dingtalk_vectors(vector: tuple[str, ...]) -> None:
    token, key, receiver, signature, timestamp, nonce, encrypt, expected = vector
    crypto = CallbackCrypto(token, key, [receiver])
    assert crypto.open(signature, timestamp, nonce, encrypt) == expected


def test_second_receiver_id_is_accepted_and_reported() -> None:
    token, key, receiver, *_, encrypt, _plain = D3
    crypto = CallbackCrypto(token, key, ["dingappkey0000000000", receiver])
    assert crypto.decrypt(encrypt) == ('{"EventType":"check_url"}', receiver)


# -- round trips against the independent implementations ----------------------------------------
TEXTS = [
    "success",
    '{"EventType":"attendance_check_record","dataList":[{"userId":"zhangsan","address":"上海市浦东新区"}]}',
    "<xml><Content><![CDATA[今天压力有点大，想和HR聊聊 😊]]></Content></xml>",
    "长" * 32,  # multi-byte text whose byte length is a multiple of the block
    "x" * 12,  # 16 + 4 + 12 = 32 bytes before the receiver id
]


@pytest.mark.parametrize("text", TEXTS)
def test_round_trip_with_wechatpy(text: str) -> None:
    ours = CallbackCrypto(W_TOKEN, W_KEY, [W_CORP])
    theirs = WeChatCrypto(W_TOKEN, W_KEY, W_CORP)
    # ours → wechatpy
    sealed = ours.seal(text, timestamp="1795413600", nonce="n0nce")
    inbound = f"<xml><ToUserName>{W_CORP}</ToUserName><Encrypt><![CDATA[{sealed.encrypt}]]></Encrypt></xml>"
    assert theirs.decrypt_message(inbound, sealed.signature, "1795413600", "n0nce") == text
    # wechatpy → ours
    reply = ET.fromstring(theirs.encrypt_message(text, "nonce2", "1795413601"))  # noqa: S314
    assert (
        ours.open(reply.findtext("MsgSignature") or "", "1795413601", "nonce2", reply.findtext("Encrypt") or "") == text
    )


@pytest.mark.parametrize("text", TEXTS)
def test_round_trip_with_dingtalk_sdk(text: str) -> None:
    token, key, app_key = "carebotToken", "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7", "dingcarebotappkey01"
    ours = CallbackCrypto(token, key, [app_key])
    theirs = DingTalkCrypto(token, key, app_key)
    sealed = ours.seal(text, timestamp="1795413600000", nonce="abc123")
    assert theirs.decrypt_encrypt_str(sealed.signature, "1795413600000", "abc123", sealed.encrypt) == text
    enc = theirs.encrypt_message(text, nonce="xyz789", timestamp="1795413600001")
    assert ours.open(enc["msg_signature"], enc["timeStamp"], enc["nonce"], enc["encrypt"]) == text


# -- negatives: one field changed at a time -----------------------------------------------------
@pytest.fixture
def d3() -> tuple[CallbackCrypto, dict[str, str]]:
    token, key, receiver, signature, timestamp, nonce, encrypt, _ = D3
    return CallbackCrypto(token, key, [receiver]), {
        "signature": signature,
        "timestamp": timestamp,
        "nonce": nonce,
        "encrypt": encrypt,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("signature", "03044561471240d4a14bb09372dfcfd4fd0e40cc"),
        ("signature", ""),
        ("timestamp", "1608001896815"),
        ("nonce", "WL4PK6yB"),
        ("encrypt", D3[6][:-8] + "AAAAAAA="),
    ],
)
def test_signature_rejects_any_changed_field(d3: tuple[CallbackCrypto, dict[str, str]], field: str, value: str) -> None:
    crypto, args = d3
    args[field] = value
    with pytest.raises(InvalidSignature):
        crypto.open(args["signature"], args["timestamp"], args["nonce"], args["encrypt"])


def test_wrong_token_is_a_bad_signature() -> None:
    _, key, receiver, signature, timestamp, nonce, encrypt, _ = D3
    with pytest.raises(InvalidSignature, match="bad signature"):
        CallbackCrypto("other", key, [receiver]).open(signature, timestamp, nonce, encrypt)


def test_receiver_id_mismatch_is_rejected_after_a_valid_signature() -> None:
    token, key, _, signature, timestamp, nonce, encrypt, _ = D3
    with pytest.raises(DecryptError, match="receiver id mismatch"):
        CallbackCrypto(token, key, ["ding_someone_else"]).open(signature, timestamp, nonce, encrypt)


def test_wrong_aes_key_fails_to_decrypt() -> None:
    token, _, receiver, signature, timestamp, nonce, encrypt, _ = D3
    with pytest.raises(DecryptError):
        CallbackCrypto(token, W_KEY, [receiver]).open(signature, timestamp, nonce, encrypt)


@pytest.mark.parametrize(
    "encrypt",
    ["not base64!!", base64.b64encode(b"short").decode(), base64.b64encode(b"x" * 33).decode(), ""],
)
def test_garbage_ciphertext_is_a_decrypt_error(encrypt: str) -> None:
    crypto = CallbackCrypto("t", W_KEY, [W_CORP])
    with pytest.raises(DecryptError):
        crypto.decrypt(encrypt)


def test_tampered_ciphertext_with_recomputed_signature_still_fails() -> None:
    crypto = CallbackCrypto("t", W_KEY, [W_CORP])
    raw = bytearray(base64.b64decode(crypto.encrypt('{"EventType":"check_url"}')))
    raw[-1] ^= 0x55  # breaks the padding of the last block
    encrypt = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(DecryptError):
        crypto.open(crypto.signature("1", "n", encrypt), "1", "n", encrypt)


@pytest.mark.parametrize("key", ["", "short", W_KEY[:-1], W_KEY + "A", W_KEY[:-1] + "!"])
def test_bad_aes_key_is_a_config_error(key: str) -> None:
    with pytest.raises(ConfigError):
        aes_key(key)


def test_missing_token_or_receiver_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        CallbackCrypto("", W_KEY, [W_CORP])
    with pytest.raises(ConfigError):
        CallbackCrypto("t", W_KEY, ["", ""])


def test_sha1_signature_sorts_the_four_strings() -> None:
    assert sha1_signature("b", "d", "a", "c") == sha1_signature("a", "b", "c", "d")
    assert sha1_signature("a", "b", "c", "d") != sha1_signature("a", "b", "c", "e")


# -- robot and card signatures ------------------------------------------------------------------
def test_robot_sign_doc_sample() -> None:
    assert robot_sign("this is a secret", "1577262236757") == "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA="


def test_robot_sign_window_and_mismatch() -> None:
    ts = "1577262236757"
    sent = datetime.fromtimestamp(int(ts) / 1000, UTC)
    good = robot_sign("s3cret", ts)
    verify_robot_sign("s3cret", ts, good, sent + timedelta(minutes=59))
    verify_robot_sign("s3cret", ts, good, sent - timedelta(minutes=59))  # clocks differ both ways
    with pytest.raises(InvalidSignature, match="stale timestamp"):
        verify_robot_sign("s3cret", ts, good, sent + timedelta(minutes=61))
    with pytest.raises(InvalidSignature, match="bad signature"):
        verify_robot_sign("other", ts, good, sent)
    with pytest.raises(InvalidSignature, match="missing"):
        verify_robot_sign("s3cret", ts, None, sent)
    with pytest.raises(InvalidSignature, match="bad timestamp"):
        verify_robot_sign("s3cret", "yesterday", good, sent)


def test_card_signature_is_hmac_of_the_timestamp() -> None:
    ts = "1795413600000"
    assert card_signature("apiSecret", ts) == hmac_sha256_b64("apiSecret", ts)
    now = datetime.fromtimestamp(int(ts) / 1000, UTC)
    verify_card_signature("apiSecret", ts, card_signature("apiSecret", ts), now)
    with pytest.raises(InvalidSignature):
        verify_card_signature("apiSecret", ts, card_signature("other", ts), now)
    with pytest.raises(InvalidSignature, match="stale"):
        verify_card_signature("apiSecret", ts, card_signature("apiSecret", ts), now + timedelta(hours=2))
