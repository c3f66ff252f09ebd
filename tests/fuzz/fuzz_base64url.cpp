// base64url (RFC 4648 section 5, unpadded, strict) and the session-token shape check.

#include "fuzzcheck.h"

#include "shared/auth/base64url.h"
#include "shared/auth/sessiontoken.h"

using namespace notify;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input = fuzz::bytes(data, size);

    // Strict decoding: whatever decodes is the one canonical encoding of its bytes.
    const auto decoded = base64UrlDecode(input);
    if (decoded) {
        FUZZ_CHECK(base64UrlEncode(*decoded) == input);
        FUZZ_CHECK(decoded->size() == input.size() * 3 / 4);
    }
    // Any bytes encode to the URL-safe alphabet and decode back.
    const QByteArray encoded = base64UrlEncode(input);
    for (char c : encoded)
        FUZZ_CHECK((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                   || c == '-' || c == '_');
    const auto back = base64UrlDecode(encoded);
    FUZZ_CHECK(back && *back == input);
    // Qt's decoder agrees on the bytes.
    FUZZ_CHECK(QByteArray::fromBase64(encoded, QByteArray::Base64UrlEncoding) == input);

    // Constant-time comparison is still a comparison.
    const qsizetype half = input.size() / 2;
    FUZZ_CHECK(constantTimeEquals(input.first(half), input.sliced(half, half))
               == (input.first(half) == input.sliced(half, half)));
    FUZZ_CHECK(constantTimeEquals(input, input));

    if (looksLikeSessionToken(input)) {
        FUZZ_CHECK(input.size() == 43);
        FUZZ_CHECK(!decoded || decoded->size() == 32);
        FUZZ_CHECK(hashSessionToken(input).size() == 64);
    }
    return 0;
}
