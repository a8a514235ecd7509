// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/common/digest.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <cstdio>
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
    // Opened without blocking and checked to be a regular file (a FIFO would block open() and
    // read() forever); io::InputFile does the same for the inputs above this layer.
    const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        throw Error(ErrorKind::Io, file.string(), std::string("cannot be read to hash it: ") + std::strerror(errno),
                    "check the file and its folder");
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        throw Error(ErrorKind::Io, file.string(), "is not a regular file", "check the file and its folder");
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    Digest d(kind, file.string());
    std::vector<char> buf(1 << 20);
    for (;;) {
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            throw Error(ErrorKind::Io, file.string(), std::string("read failed while hashing it: ") + std::strerror(errno),
                        "check the file and its folder");
        if (n == 0) break;
        d.update(buf.data(), static_cast<std::size_t>(n));
    }
    return d.hex();
}

}  // namespace lacquer
