"""The strict /in/<id> extractor, its inverse, and discovery of profile ids on a page."""

import pytest

from outreach.linkedin.urls import discover_profile_ids, profile_url, public_id_from_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.linkedin.com/in/ada-lovelace/", "ada-lovelace"),
        ("https://www.linkedin.com/in/ada-lovelace", "ada-lovelace"),
        ("/in/ada-lovelace/", "ada-lovelace"),
        ("//www.linkedin.com/in/ada-lovelace/", "ada-lovelace"),
        ("www.linkedin.com/in/ada-lovelace", "ada-lovelace"),
        ("http://127.0.0.1:8765/in/ada-lovelace-1a2b/", "ada-lovelace-1a2b"),
        # query strings and fragments are ignored
        ("https://www.linkedin.com/in/foo-bar/?miniProfileUrn=urn%3Ali%3Afs_miniProfile%3AACo", "foo-bar"),
        ("https://www.linkedin.com/in/foo-bar?trk=people-guest#experience", "foo-bar"),
        # sub-pages and a secondary-language profile belong to the same person
        ("https://www.linkedin.com/in/foo/fr/", "foo"),
        ("https://www.linkedin.com/in/grace-hopper/overlay/contact-info/", "grace-hopper"),
        ("https://www.linkedin.com/in/foo/details/experience/", "foo"),
        # languages live on subdomains, which are fine
        ("https://fr.linkedin.com/in/foo/", "foo"),
        # vanity ids are case-insensitive; percent-encoding is decoded
        ("https://www.linkedin.com/in/Foo-Bar/", "foo-bar"),
        ("https://www.linkedin.com/in/j%C3%B6rg-m%C3%BCller-42/", "jörg-müller-42"),
        ("https://www.linkedin.com/in/jörg-müller-42/", "jörg-müller-42"),
        # member ids are case-sensitive and kept as they are
        (
            "https://www.linkedin.com/in/ACoAAA8BYqEBCGLg_vT_ca6mMEqkpp9nVffJ3hc",
            "ACoAAA8BYqEBCGLg_vT_ca6mMEqkpp9nVffJ3hc",
        ),
    ],
)
def test_profile_urls_give_their_public_id(url, expected):
    assert public_id_from_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "ada-lovelace",
        "in/ada-lovelace/",
        "https://www.linkedin.com/in/",
        "https://www.linkedin.com/in//",
        "https://www.linkedin.com/in/me/",  # the viewer's own alias
        "https://www.linkedin.com/in/me",
        "https://www.linkedin.com/company/acme/in/someone/",  # /in/ inside another path
        "https://www.linkedin.com/fr/in/foo/",  # a locale path prefix is not LinkedIn's scheme
        "https://www.linkedin.com/pub/dir/foo",
        "https://www.linkedin.com/search/results/people/?keywords=in%2Ffoo",
        "https://www.linkedin.com/feed/?redirect=/in/foo/",
        "https://www.linkedin.com/in/foo%2Fbar/",  # an encoded slash is not an id character
        "https://www.linkedin.com/in/a/",  # too short
        "https://www.linkedin.com/in/" + "x" * 101 + "/",
        "https://www.linkedin.com/in/foo bar/",
        "mailto:someone@example.com",
        "javascript:alert('/in/foo/')",
        "ftp://www.linkedin.com/in/foo/",
        "http://[::1/in/foo",  # unparsable
    ],
)
def test_anything_else_is_not_a_profile_url(url):
    assert public_id_from_url(url) is None


def test_profile_url_is_the_inverse():
    assert profile_url("ada-lovelace", "https://www.linkedin.com/") == "https://www.linkedin.com/in/ada-lovelace/"
    assert (
        profile_url("jörg-müller-42", "http://127.0.0.1:8765") == "http://127.0.0.1:8765/in/j%C3%B6rg-m%C3%BCller-42/"
    )
    for public_id in ("ada-lovelace", "jörg-müller-42", "ACoAAA8BYqEBCGLg_vT_ca6mMEqkpp9nVffJ3hc"):
        assert public_id_from_url(profile_url(public_id, "https://www.linkedin.com")) == public_id


@pytest.mark.parametrize("bad", ["", "me", "foo/bar", "a", "foo bar"])
def test_profile_url_rejects_what_is_not_an_id(bad):
    with pytest.raises(ValueError, match="not a LinkedIn public id"):
        profile_url(bad, "https://www.linkedin.com")


def test_discovery_from_html_keeps_first_seen_order_without_duplicates():
    page = """
      <a href="https://www.linkedin.com/in/alice/?miniProfileUrn=x">Alice</a>
      <a href='/in/bob/overlay/contact-info/'>Bob</a>
      <a href="/in/alice/">again</a>
      <a href="/in/me/">me</a>
      <a href="/company/acme/in/carol/">not a profile</a>
      <a href="/in/dave?x=1&amp;y=2">Dave</a>
      <a HREF="https://fr.linkedin.com/in/Eve/">Eve</a>
      <link href="/in/frank/" rel="canonical">
    """
    assert discover_profile_ids(page) == ["alice", "bob", "dave", "eve", "frank"]


def test_discovery_from_hrefs():
    hrefs = ["/in/alice/", "#", "", "/in/alice", "https://www.linkedin.com/in/bob/", "/feed/"]
    assert discover_profile_ids(hrefs) == ["alice", "bob"]
    assert discover_profile_ids([]) == []
    assert discover_profile_ids("") == []
