#include "absl/strings/string_view.h"
#include "common/api/resource.h"

#include "absl/random/random.h"
#include "absl/synchronization/mutex.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace crm::api {
namespace {

constexpr char kCrockford[] = "0123456789abcdefghjkmnpqrstvwxyz";

bool IsIdChar(char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '_';
}

}  // namespace

std::string NewId() {
  static absl::Mutex* mu = new absl::Mutex;
  static absl::BitGen* gen = new absl::BitGen;
  uint64_t random_hi, random_lo;
  {
    absl::MutexLock lock(mu);
    random_hi = absl::Uniform<uint64_t>(*gen) & 0xFFFF;  // 16 bits
    random_lo = absl::Uniform<uint64_t>(*gen);           // 64 bits
  }
  const uint64_t millis = static_cast<uint64_t>(absl::ToUnixMillis(absl::Now()));
  // 128 bits: 48 time, 80 random; 26 base32 digits cover 130 bits.
  unsigned __int128 value = (static_cast<unsigned __int128>(millis & 0xFFFFFFFFFFFF) << 80) |
                            (static_cast<unsigned __int128>(random_hi) << 64) | random_lo;
  std::string id(26, '0');
  for (int i = 25; i >= 0; --i) {
    id[i] = kCrockford[static_cast<int>(value & 31)];
    value >>= 5;
  }
  return id;
}

absl::StatusOr<std::string> ParseResourceName(absl::string_view name,
                                              absl::string_view collection,
                                              absl::string_view field) {
  const std::string form = absl::StrCat("must be of the form \"", collection, "/{id}\"");
  if (name.empty()) return InvalidField(field, "is required");
  const std::string prefix = absl::StrCat(collection, "/");
  if (!absl::StartsWith(name, prefix)) return InvalidField(field, form);
  absl::string_view id = name.substr(prefix.size());
  if (id.empty() || id.size() > 64) return InvalidField(field, form);
  for (char c : id) {
    if (!IsIdChar(c)) return InvalidField(field, form);
  }
  return std::string(id);
}

std::string EtagForRevision(int64_t revision) {
  return absl::StrCat("\"", revision, "\"");
}

absl::Status CheckEtag(absl::string_view sent, int64_t current_revision,
                       absl::string_view resource_name) {
  if (sent.empty() || sent == EtagForRevision(current_revision)) return absl::OkStatus();
  return StaleEtag(resource_name);
}

bool IsValidResourceId(absl::string_view id) {
  if (id.empty() || id.size() > 63 || !absl::ascii_islower(id.front()) || id.back() == '-') {
    return false;
  }
  for (char c : id) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-') return false;
  }
  return true;
}

absl::Status CheckResourceId(absl::string_view id, absl::string_view field) {
  if (id.empty()) return InvalidField(field, "is required");
  if (!IsValidResourceId(id)) {
    return InvalidField(field,
                        "must be 1 to 63 lower-case letters, digits or \"-\", starting with a "
                        "letter and not ending with \"-\"");
  }
  return absl::OkStatus();
}

absl::Status ValidateRequestId(absl::string_view request_id, absl::string_view field) {
  if (request_id.size() > 100) return InvalidField(field, "must be at most 100 characters");
  for (char c : request_id) {
    if (!absl::ascii_isgraph(static_cast<unsigned char>(c))) {
      return InvalidField(field, "must be printable ASCII without spaces, e.g. a UUID");
    }
  }
  return absl::OkStatus();
}

int64_t TimeToMicros(absl::Time time) { return absl::ToUnixMicros(time); }

google::protobuf::Timestamp MicrosToTimestamp(int64_t micros) {
  google::protobuf::Timestamp ts;
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(rest * 1000));
  return ts;
}

int64_t TimestampToMicros(const google::protobuf::Timestamp& timestamp) {
  return timestamp.seconds() * 1000000 + timestamp.nanos() / 1000;
}

bool IsValidTimestamp(const google::protobuf::Timestamp& timestamp) {
  constexpr int64_t kMinSeconds = -62135596800;  // 0001-01-01T00:00:00Z
  constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
  return timestamp.seconds() >= kMinSeconds && timestamp.seconds() <= kMaxSeconds &&
         timestamp.nanos() >= 0 && timestamp.nanos() <= 999999999;
}

uint64_t StableHash64(absl::string_view data) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace crm::api
