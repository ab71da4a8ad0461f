// Tests of request fingerprints and the stored responses of idempotent writes.
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "common/api/idempotency.h"
#include "common/api/resource.h"
#include "common/db/database.h"
#include "common/errors.h"
#include "crm/partners/v1/partner.pb.h"
#include "google/rpc/error_details.pb.h"

namespace crm::api {
namespace {

using crm::partners::v1::Partner;

class ScratchDir {
 public:
  ScratchDir() {
    std::string templ =
        (std::filesystem::temp_directory_path() / "crm_idempotency_test_XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::unique_ptr<db::Database> OpenDb(const ScratchDir& dir) {
  db::DatabaseOptions options;
  options.path = dir.path() + "/idempotency.db";
  auto db = db::Database::Open(options, {{1, "request ids", kIdempotencySchema}});
  INFO(db.status().ToString());
  REQUIRE(db.ok());
  return std::move(db).value();
}

Partner Anna() {
  Partner p;
  p.set_category(partners::v1::PARTNER_CATEGORY_PERSON);
  p.mutable_person()->set_given_name("Anna");
  p.mutable_person()->set_family_name("Muster");
  p.add_email_addresses()->set_address("anna@example.com");
  return p;
}

using Lookup = absl::StatusOr<std::optional<std::string>>;

Lookup Find(db::Database& db, const std::string& method, const std::string& request_id,
            const std::string& fingerprint) {
  Lookup result = absl::UnknownError("not run");
  const absl::Status s = db.Read([&](db::Connection& c) {
    result = FindEarlierResponse(c, method, request_id, fingerprint, "request_id");
    return absl::OkStatus();
  });
  REQUIRE(s.ok());
  return result;
}

absl::Status Remember(db::Database& db, const std::string& method, const std::string& request_id,
                      const std::string& fingerprint, const std::string& response) {
  return db.Write([=](db::Connection& c) {
    RememberResponse(c, method, request_id, fingerprint, response, 1700000000000000);
    return absl::OkStatus();
  });
}

}  // namespace

TEST_CASE("RequestFingerprint is deterministic and tells requests apart", "[idempotency]") {
  const std::string fp = RequestFingerprint(Anna());
  CHECK(fp.size() == 16);
  CHECK(fp.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(RequestFingerprint(Anna()) == fp);
  // It is the stable hash of the encoding, so it survives releases.
  CHECK(fp == absl::StrFormat("%016x", StableHash64(Anna().SerializeAsString())));

  Partner other = Anna();
  other.mutable_person()->set_given_name("Anne");
  CHECK(RequestFingerprint(other) != fp);
  Partner more = Anna();
  more.add_email_addresses()->set_address("anna@example.org");
  CHECK(RequestFingerprint(more) != fp);
  CHECK(RequestFingerprint(Partner()) != fp);
  CHECK(RequestFingerprint(Partner()) == absl::StrFormat("%016x", StableHash64("")));

  // Map entries are encoded in a fixed order, whatever order they were added in.
  google::rpc::ErrorInfo a;
  google::rpc::ErrorInfo b;
  for (int i = 0; i < 50; ++i) (*a.mutable_metadata())["key" + std::to_string(i)] = "v";
  for (int i = 49; i >= 0; --i) (*b.mutable_metadata())["key" + std::to_string(i)] = "v";
  CHECK(RequestFingerprint(a) == RequestFingerprint(b));
  (*b.mutable_metadata())["key0"] = "changed";
  CHECK(RequestFingerprint(a) != RequestFingerprint(b));
}

TEST_CASE("FindEarlierResponse: new id, repeated request, reused id", "[idempotency]") {
  ScratchDir dir;
  auto db = OpenDb(dir);
  const std::string method = "/crm.partners.v1.PartnersService/CreatePartner";
  const std::string fp = RequestFingerprint(Anna());
  const std::string response = Anna().SerializeAsString();

  // A new id: nothing stored.
  Lookup first = Find(*db, method, "req-1", fp);
  REQUIRE(first.ok());
  CHECK_FALSE(first->has_value());

  REQUIRE(Remember(*db, method, "req-1", fp, response).ok());

  // The same request again: the stored response.
  Lookup again = Find(*db, method, "req-1", fp);
  REQUIRE(again.ok());
  REQUIRE(again->has_value());
  CHECK(**again == response);

  // The same id for another request: INVALID_ARGUMENT naming the field given.
  Partner other = Anna();
  other.mutable_person()->set_family_name("Other");
  Lookup reused = Find(*db, method, "req-1", RequestFingerprint(other));
  REQUIRE_FALSE(reused.ok());
  CHECK(reused.status().code() == absl::StatusCode::kInvalidArgument);
  const std::vector<FieldViolation> violations = FieldViolationsOf(reused.status());
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].field == "request_id");

  SECTION("the field named is the caller's") {
    Lookup named = absl::UnknownError("not run");
    REQUIRE(db->Read([&](db::Connection& c) {
                  named = FindEarlierResponse(c, method, "req-1", "0000000000000000",
                                              "create_request.request_id");
                  return absl::OkStatus();
                }).ok());
    REQUIRE_FALSE(named.ok());
    REQUIRE(FieldViolationsOf(named.status()).size() == 1);
    CHECK(FieldViolationsOf(named.status())[0].field == "create_request.request_id");
  }
  SECTION("ids are per method") {
    Lookup elsewhere = Find(*db, "/crm.partners.v1.PartnersService/UpdatePartner", "req-1", fp);
    REQUIRE(elsewhere.ok());
    CHECK_FALSE(elsewhere->has_value());
  }
  SECTION("other ids are unaffected") {
    Lookup fresh = Find(*db, method, "req-2", fp);
    REQUIRE(fresh.ok());
    CHECK_FALSE(fresh->has_value());
  }
}

TEST_CASE("Responses are stored byte for byte", "[idempotency]") {
  ScratchDir dir;
  auto db = OpenDb(dir);
  const std::string binary("\x00\x01\xff\xfe response \x00 with NULs", 26);
  REQUIRE(Remember(*db, "m", "bin", "fp", binary).ok());
  REQUIRE(Remember(*db, "m", "empty", "fp", "").ok());
  Lookup found = Find(*db, "m", "bin", "fp");
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK(found->value().size() == binary.size());
  CHECK(found->value() == binary);
  Lookup empty = Find(*db, "m", "empty", "fp");
  REQUIRE(empty.ok());
  REQUIRE(empty->has_value());
  CHECK(empty->value().empty());
}

TEST_CASE("A request id is remembered only when its write commits, and only once",
          "[idempotency]") {
  ScratchDir dir;
  auto db = OpenDb(dir);

  // Remembered inside a write that then fails: rolled back with it.
  const absl::Status failed = db->Write([](db::Connection& c) {
    RememberResponse(c, "m", "rolled-back", "fp", "lost", 1);
    return absl::AbortedError("the create failed");
  });
  INFO(failed.ToString());
  CHECK(failed.code() == absl::StatusCode::kAborted);
  Lookup gone = Find(*db, "m", "rolled-back", "fp");
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());

  // Looked up and remembered in the same write, as a create does.
  std::optional<std::string> seen_before;
  bool looked_up = false;
  REQUIRE(db->Write([&](db::Connection& c) -> absl::Status {
                auto earlier = FindEarlierResponse(c, "m", "in-write", "fp", "request_id");
                if (!earlier.ok()) return earlier.status();
                looked_up = true;
                seen_before = *earlier;
                RememberResponse(c, "m", "in-write", "fp", "made", 2);
                auto now = FindEarlierResponse(c, "m", "in-write", "fp", "request_id");
                if (!now.ok() || !now->has_value() || **now != "made") {
                  return absl::InternalError("not visible inside the write");
                }
                return absl::OkStatus();
              }).ok());
  CHECK(looked_up);
  CHECK_FALSE(seen_before.has_value());
  Lookup made = Find(*db, "m", "in-write", "fp");
  REQUIRE(made.ok());
  REQUIRE(made->has_value());
  CHECK(made->value() == "made");

  // A second insert of the same (method, request_id) fails and changes nothing.
  const absl::Status twice = Remember(*db, "m", "in-write", "fp", "second");
  CHECK(twice.code() == absl::StatusCode::kInternal);
  CHECK(twice.message().find("UNIQUE") != absl::string_view::npos);
  Lookup still = Find(*db, "m", "in-write", "fp");
  REQUIRE(still.ok());
  REQUIRE(still->has_value());
  CHECK(still->value() == "made");
}

}  // namespace crm::api
