// Finding and reading pack files (docs/policies.md, "Where packs are found").
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "policies/pack.h"
#include "policies/pack_toml.h"

#ifndef PROBITY_SOURCE_PACKS_DIR
#error "PROBITY_SOURCE_PACKS_DIR must be defined by the build (CMakeLists.txt)"
#endif

namespace probity {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPackSuffix = ".toml";
constexpr std::size_t kListedPacksMax = 50;  // ids named in a NotFound message

bool IsPackId(std::string_view id) {
  if (id.empty() || id.size() > kPackIdBytesMax) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// Reads at most kPackBytesMax + 1 bytes: enough for ParsePack to see that a
// file is too large without reading all of a huge one.
Result<std::string> ReadCapped(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(path + ": cannot open: " + std::strerror(errno));
  std::string text(kPackBytesMax + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return Status::IoError(path + ": cannot read: " + std::strerror(errno));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

std::string AvailablePacks(const fs::path& dir) {
  std::error_code ec;
  std::vector<std::string> ids;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.extension() == kPackSuffix && IsPackId(p.stem().string())) ids.push_back(p.stem());
  }
  if (ids.empty()) return "none";
  std::sort(ids.begin(), ids.end());
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < kListedPacksMax; ++i) {
    out += (i == 0 ? "" : ", ") + ids[i];
  }
  return ids.size() > kListedPacksMax ? out + ", ..." : out;
}

}  // namespace

Result<Pack> LoadPackFile(const std::string& path) {
  const fs::path p(path);
  if (p.extension() != kPackSuffix || p.stem().empty()) {
    return Status::InvalidArgument(path + ": a pack file is named <id>.toml; rename it");
  }
  PROBITY_ASSIGN_OR_RETURN(std::string text, ReadCapped(path));
  return pack_internal::ParsePackNamed(text, path, p.stem().string());
}

Result<Pack> LoadPackById(const std::string& id) {
  if (!IsPackId(id)) {
    return Status::InvalidArgument("pack id \"" + id.substr(0, kPackIdBytesMax) +
                                   "\" is not valid; ids are 1 to 64 characters of a-z, 0-9 "
                                   "and '-'");
  }
  const char* env = std::getenv("PROBITY_PACKS_DIR");
  const fs::path dir =
      (env != nullptr && *env != '\0') ? fs::path(env) : fs::path(PROBITY_SOURCE_PACKS_DIR);
  const fs::path path = dir / (id + std::string(kPackSuffix));
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return Status::NotFound("no policy pack \"" + id + "\" in " + dir.string() + "; available: " +
                            AvailablePacks(dir) + " (set PROBITY_PACKS_DIR to look elsewhere)");
  }
  return LoadPackFile(path.string());
}

}  // namespace probity
