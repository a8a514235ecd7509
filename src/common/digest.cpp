// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/common/digest.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <vector>

#include "lacquer/common/error.hpp"

namespace lacquer {

namespace {

struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// One digest from start to hex: `feed` hands the bytes to update().
class Digest {
public:
    Digest(DigestKind kind, const std::string& where) : where_(where), ctx_(EVP_MD_CTX_new()) {
        const EVP_MD* md = kind == DigestKind::Md5 ? EVP_md5() : EVP_sha256();
        if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), md, nullptr) != 1)
            throw Error(ErrorKind::Io, where_, "OpenSSL could not start a digest", "check the OpenSSL installation");
    }
    void update(const void* data, std::size_t size) {
        if (size > 0 && EVP_DigestUpdate(ctx_.get(), data, size) != 1)
            throw Error(ErrorKind::Io, where_, "OpenSSL digest update failed", "check the OpenSSL installation");
    }
    std::string hex() {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        if (EVP_DigestFinal_ex(ctx_.get(), md, &len) != 1)
            throw Error(ErrorKind::Io, where_, "OpenSSL digest failed", "check the OpenSSL installation");
        std::string out;
        char b[3];
        for (unsigned int i = 0; i < len; ++i) {
            std::snprintf(b, sizeof b, "%02x", md[i]);
            out += b;
        }
        return out;
    }

private:
    std::string where_;
    std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx_;
};

}  // namespace

std::string digestHex(DigestKind kind, std::string_view bytes) {
    Digest d(kind, kind == DigestKind::Md5 ? "md5" : "sha256");
    d.update(bytes.data(), bytes.size());
    return d.hex();
}

std::string fileDigestHex(DigestKind kind, const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(ErrorKind::Io, file.string(), "cannot be read to hash it", "check the file and its folder");
    Digest d(kind, file.string());
    std::vector<char> buf(1 << 20);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        d.update(buf.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) throw Error(ErrorKind::Io, file.string(), "read failed while hashing it", "check the file and its folder");
    return d.hex();
}

}  // namespace lacquer
