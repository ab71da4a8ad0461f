#include "absl/strings/string_view.h"
#include "common/api/idempotency.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "absl/strings/str_format.h"
#include "common/api/resource.h"
#include "common/errors.h"

namespace crm::api {

const char kIdempotencySchema[] = R"sql(
CREATE TABLE request_ids (
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  response BLOB NOT NULL,
  create_time INTEGER NOT NULL,
  PRIMARY KEY (method, request_id)
) WITHOUT ROWID;
)sql";

std::string RequestFingerprint(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  return absl::StrFormat("%016x", StableHash64(bytes));
}

absl::StatusOr<std::optional<std::string>> FindEarlierResponse(
    db::Connection& connection, absl::string_view method, absl::string_view request_id,
    absl::string_view fingerprint, absl::string_view field) {
  SQLite::Statement& select = connection.Prepare(
      "SELECT fingerprint, response FROM request_ids WHERE method = ?1 AND request_id = ?2",
      {std::string(method), std::string(request_id)});
  if (!select.executeStep()) return std::optional<std::string>();
  const std::string stored_fingerprint = select.getColumn(0).getString();
  std::string response = select.getColumn(1).getString();
  select.reset();
  if (stored_fingerprint != fingerprint) {
    return InvalidField(field, "was already used for a different request; use a new request id");
  }
  return std::optional<std::string>(std::move(response));
}

void RememberResponse(db::Connection& connection, absl::string_view method,
                      absl::string_view request_id, absl::string_view fingerprint,
                      const std::string& response, int64_t now_micros) {
  SQLite::Statement& insert = connection.Prepare(
      "INSERT INTO request_ids (method, request_id, fingerprint, response, create_time) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  insert.bind(1, std::string(method));
  insert.bind(2, std::string(request_id));
  insert.bind(3, std::string(fingerprint));
  insert.bind(4, response.data(), static_cast<int>(response.size()));
  insert.bind(5, static_cast<int64_t>(now_micros));
  insert.exec();
}

int ForgetResponsesMentioning(db::Connection& connection, absl::string_view text) {
  return connection.Run("DELETE FROM request_ids WHERE instr(response, CAST(?1 AS BLOB)) > 0",
                        {std::string(text)});
}

absl::Status RunOnce(db::Connection& connection, absl::string_view method,
                     absl::string_view request_id, absl::string_view fingerprint,
                     int64_t now_micros, google::protobuf::Message* response,
                     absl::FunctionRef<absl::Status()> write) {
  if (request_id.empty()) return write();
  absl::StatusOr<std::optional<std::string>> earlier =
      FindEarlierResponse(connection, method, request_id, fingerprint, "request_id");
  if (!earlier.ok()) return earlier.status();
  if (earlier->has_value()) {
    response->ParseFromString(**earlier);
    return absl::OkStatus();
  }
  absl::Status status = write();
  if (status.ok()) {
    RememberResponse(connection, method, request_id, fingerprint, response->SerializeAsString(),
                     now_micros);
  }
  return status;
}

absl::StatusOr<bool> AnswerRetry(db::Database& database, absl::string_view method,
                                 absl::string_view request_id,
                                 const google::protobuf::Message& request,
                                 google::protobuf::Message* response) {
  if (request_id.empty()) return false;
  absl::StatusOr<std::optional<std::string>> earlier;
  absl::Status read = database.Read([&](db::Connection& c) {
    earlier = FindEarlierResponse(c, method, request_id, RequestFingerprint(request), "request_id");
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  if (!earlier.ok()) return earlier.status();
  if (!earlier->has_value()) return false;
  response->ParseFromString(**earlier);
  return true;
}

}  // namespace crm::api
