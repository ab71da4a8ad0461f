// Tests of ids, resource names, etags, request ids, times and hashes.
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/api/resource.h"
#include "common/errors.h"

namespace crm::api {
namespace {

constexpr absl::string_view kCrockfordLower = "0123456789abcdefghjkmnpqrstvwxyz";

// The millisecond timestamp in the first 10 characters (50 bits) of an id.
int64_t IdMillis(const std::string& id) {
  uint64_t value = 0;
  for (int i = 0; i < 10; ++i) {
    const size_t digit = kCrockfordLower.find(id[i]);
    REQUIRE(digit != absl::string_view::npos);
    value = (value << 5) | digit;
  }
  // 26 digits hold 130 bits: the top 2 are zero, then 48 bits of time.
  return static_cast<int64_t>(value);
}

void CheckInvalid(const absl::Status& status, const std::string& field) {
  INFO(status.ToString());
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  const std::vector<FieldViolation> violations = FieldViolationsOf(status);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].field == field);
  CHECK_FALSE(violations[0].description.empty());
}

}  // namespace

TEST_CASE("NewId is 26 lower-case Crockford base32 characters", "[resource]") {
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewId();
    INFO(id);
    REQUIRE(id.size() == 26);
    for (char c : id) REQUIRE(kCrockfordLower.find(c) != absl::string_view::npos);
    // 128 bits in 130: the first digit holds at most 3 bits.
    REQUIRE(id[0] <= '7');
  }
}

TEST_CASE("NewId is unique", "[resource]") {
  constexpr int kIds = 100000;
  std::unordered_set<std::string> ids;
  ids.reserve(kIds);
  for (int i = 0; i < kIds; ++i) ids.insert(NewId());
  CHECK(ids.size() == static_cast<size_t>(kIds));
}

TEST_CASE("NewId starts with the creation time, so ids sort by it", "[resource]") {
  const int64_t before = absl::ToUnixMillis(absl::Now());
  const std::string first = NewId();
  const int64_t after = absl::ToUnixMillis(absl::Now());
  CHECK(IdMillis(first) >= before);
  CHECK(IdMillis(first) <= after);

  // Ids made in later milliseconds sort after earlier ones.
  std::string previous = first;
  int later_millis_seen = 0;
  while (later_millis_seen < 3) {
    const std::string id = NewId();
    INFO(previous << " then " << id);
    REQUIRE(IdMillis(id) >= IdMillis(previous));
    if (IdMillis(id) > IdMillis(previous)) {
      CHECK(id > previous);
      ++later_millis_seen;
    }
    previous = id;
  }
}

TEST_CASE("ParseResourceName returns the id of a well-formed name", "[resource]") {
  auto id = ParseResourceName("partners/abc", "partners", "name");
  REQUIRE(id.ok());
  CHECK(*id == "abc");

  const std::string ulid = NewId();
  auto parsed = ParseResourceName("partners/" + ulid, "partners", "name");
  REQUIRE(parsed.ok());
  CHECK(*parsed == ulid);

  auto punctuated = ParseResourceName("partners/A-b_9", "partners", "name");
  REQUIRE(punctuated.ok());
  CHECK(*punctuated == "A-b_9");

  const std::string longest(64, 'x');
  auto at_limit = ParseResourceName("partners/" + longest, "partners", "name");
  REQUIRE(at_limit.ok());
  CHECK(*at_limit == longest);
}

TEST_CASE("ParseResourceName rejects malformed names, naming the field", "[resource]") {
  const std::vector<std::string> bad = {
      "",
      "partners/",
      "partners",
      "other/abc",
      "partnersabc",
      "Partners/abc",
      "partners/a/b",
      "partners/a b",
      "partners/a.b",
      "partners/ab\n",
      "partners/\xc3\xa4",  // ä
      "/partners/abc",
      "partners/" + std::string(65, 'x'),
  };
  for (const std::string& name : bad) {
    INFO("name: \"" << name << "\"");
    auto id = ParseResourceName(name, "partners", "partner.name");
    REQUIRE_FALSE(id.ok());
    CheckInvalid(id.status(), "partner.name");
  }
  auto empty = ParseResourceName("", "partners", "name");
  REQUIRE_FALSE(empty.ok());
  CHECK(FieldViolationsOf(empty.status())[0].description == "is required");
  auto other = ParseResourceName("other/abc", "partners", "parent");
  REQUIRE_FALSE(other.ok());
  CHECK(FieldViolationsOf(other.status())[0].field == "parent");
  CHECK(FieldViolationsOf(other.status())[0].description.find("partners/{id}") !=
        std::string::npos);
}

TEST_CASE("Etags follow the revision and stale ones are ABORTED", "[resource]") {
  CHECK(EtagForRevision(1) == "\"1\"");
  CHECK(EtagForRevision(42) == "\"42\"");
  CHECK(EtagForRevision(1) != EtagForRevision(2));

  CHECK(CheckEtag("", 7, "partners/abc").ok());
  CHECK(CheckEtag(EtagForRevision(7), 7, "partners/abc").ok());

  const absl::Status stale = CheckEtag(EtagForRevision(6), 7, "partners/abc");
  CHECK(stale.code() == absl::StatusCode::kAborted);
  CHECK(stale.message().find("partners/abc") != absl::string_view::npos);
  // The etag is compared verbatim: the bare number is not the etag.
  CHECK(CheckEtag("7", 7, "partners/abc").code() == absl::StatusCode::kAborted);
  CHECK(CheckEtag("garbage", 7, "partners/abc").code() == absl::StatusCode::kAborted);
}

TEST_CASE("Client-chosen ids follow AIP-122", "[resource]") {
  for (const char* id : {"a", "monitor-24", "standard", "x1-2-3", "a0"}) {
    INFO(id);
    CHECK(IsValidResourceId(id));
    CHECK(CheckResourceId(id, "product_id").ok());
  }
  CHECK(IsValidResourceId(std::string(63, 'a')));
  for (const std::string& id : {std::string(64, 'a'), std::string("1abc"), std::string("-abc"),
                               std::string("abc-"), std::string("Abc"), std::string("a_b"),
                               std::string("a b"), std::string("a/b"), std::string("caf\xc3\xa9")}) {
    INFO(id);
    CHECK_FALSE(IsValidResourceId(id));
    CheckInvalid(CheckResourceId(id, "product_id"), "product_id");
  }
  CheckInvalid(CheckResourceId("", "tax_class_id"), "tax_class_id");
}

TEST_CASE("ValidateRequestId accepts printable ASCII up to 100 characters", "[resource]") {
  CHECK(ValidateRequestId("", "request_id").ok());
  CHECK(ValidateRequestId("0b6f7d5e-3a3c-4c47-9a8e-5b1f1d1c2a10", "request_id").ok());
  CHECK(ValidateRequestId(std::string(100, 'a'), "request_id").ok());
  CHECK(ValidateRequestId("!#$%&'()*+,-./:;<=>?@[]^_`{|}~", "request_id").ok());

  CheckInvalid(ValidateRequestId(std::string(101, 'a'), "request_id"), "request_id");
  CheckInvalid(ValidateRequestId("has space", "req.request_id"), "req.request_id");
  CheckInvalid(ValidateRequestId("tab\there", "request_id"), "request_id");
  CheckInvalid(ValidateRequestId("new\nline", "request_id"), "request_id");
  CheckInvalid(ValidateRequestId("caf\xc3\xa9", "request_id"), "request_id");
  CheckInvalid(ValidateRequestId(std::string("nul\0x", 5), "request_id"), "request_id");
  CheckInvalid(ValidateRequestId("del\x7f", "request_id"), "request_id");
}

TEST_CASE("MicrosToTimestamp splits into seconds and non-negative nanos", "[resource]") {
  struct Case {
    int64_t micros;
    int64_t seconds;
    int32_t nanos;
  };
  const std::vector<Case> cases = {
      {0, 0, 0},
      {1, 0, 1000},
      {999999, 0, 999999000},
      {1000000, 1, 0},
      {1500000, 1, 500000000},
      {1700000000123456, 1700000000, 123456000},
      {-1, -1, 999999000},
      {-999999, -1, 1000},
      {-1000000, -1, 0},
      {-1000001, -2, 999999000},
      {-1500000, -2, 500000000},
  };
  for (const Case& c : cases) {
    INFO("micros " << c.micros);
    const google::protobuf::Timestamp ts = MicrosToTimestamp(c.micros);
    CHECK(ts.seconds() == c.seconds);
    CHECK(ts.nanos() == c.nanos);
  }
}

TEST_CASE("TimeToMicros is the inverse of MicrosToTimestamp", "[resource]") {
  for (int64_t micros : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{1700000000123456},
                         int64_t{-86400000001}}) {
    INFO(micros);
    CHECK(api::TimeToMicros(absl::FromUnixMicros(micros)) == micros);
    const google::protobuf::Timestamp ts = MicrosToTimestamp(micros);
    CHECK(api::TimeToMicros(absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos())) ==
          micros);
  }
  // Sub-microsecond parts are dropped towards the past.
  CHECK(api::TimeToMicros(absl::FromUnixNanos(1999)) == 1);
}

TEST_CASE("StableHash64 is 64-bit FNV-1a", "[resource]") {
  CHECK(StableHash64("") == 0xcbf29ce484222325ull);
  CHECK(StableHash64("a") == 0xaf63dc4c8601ec8cull);
  CHECK(StableHash64("foobar") == 0x85944171f73967e8ull);
  // Bytes are hashed as unsigned and embedded NULs count.
  CHECK(StableHash64(absl::string_view("a\0b", 3)) != StableHash64("ab"));
  CHECK(StableHash64("\xff") != StableHash64("\x7f"));
  CHECK(StableHash64("ab") != StableHash64("ba"));
}

}  // namespace crm::api
