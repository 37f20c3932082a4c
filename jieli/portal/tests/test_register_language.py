import pytest

pytestmark = pytest.mark.django_db


def test_password_too_short_is_explained_in_chinese_on_chinese_pages(client):
    response = client.post(
        "/register/",
        {"username": "newbie", "email": "n@example.com", "password": "abc"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "密码太短，至少需要 8 个字符。" in text
    assert "too short" not in text
