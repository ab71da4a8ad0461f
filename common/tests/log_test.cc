// Tests of the JSON-lines log format.
#include <regex>
#include <string>

#include <catch2/catch.hpp>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log.h"

namespace crm::log {
namespace {

// Parses `line` as one JSON object; fails the test when it is not valid JSON.
google::protobuf::Struct ParseJson(const std::string& line) {
  google::protobuf::Struct parsed;
  const auto status = google::protobuf::util::JsonStringToMessage(line, &parsed);
  INFO(line);
  INFO(status.ToString());
  REQUIRE(status.ok());
  return parsed;
}

std::string StringField(const google::protobuf::Struct& s, const std::string& key) {
  INFO("key " << key);
  REQUIRE(s.fields().count(key) == 1);
  const google::protobuf::Value& v = s.fields().at(key);
  REQUIRE(v.kind_case() == google::protobuf::Value::kStringValue);
  return v.string_value();
}

// Restores the default service name when a test changed it.
struct ServiceNameGuard {
  ~ServiceNameGuard() { SetServiceName("crm"); }
};

}  // namespace

TEST_CASE("FormatLine writes one JSON object with time, level, service, msg and fields",
          "[log]") {
  ServiceNameGuard guard;
  SetServiceName("partners");
  const absl::Time before = absl::Now();
  const std::string line =
      FormatLine("info", "call finished", {{"method", "/crm.P/Get"}, {"code", "OK"}, {"ms", "12"}});
  const absl::Time after = absl::Now();

  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.front() == '{');
  CHECK(line.back() == '}');
  // Keys in a fixed order: time, level, service, msg, then the fields as given.
  CHECK(std::regex_match(
      line, std::regex(R"(\{"time":"[^"]+","level":"info","service":"partners","msg":"call finished",)"
                       R"("method":"/crm\.P/Get","code":"OK","ms":"12"\})")));

  const google::protobuf::Struct json = ParseJson(line);
  CHECK(json.fields_size() == 7);
  CHECK(StringField(json, "level") == "info");
  CHECK(StringField(json, "service") == "partners");
  CHECK(StringField(json, "msg") == "call finished");
  CHECK(StringField(json, "method") == "/crm.P/Get");
  CHECK(StringField(json, "code") == "OK");
  CHECK(StringField(json, "ms") == "12");

  // RFC 3339 UTC with milliseconds, taken when the line was made.
  const std::string time = StringField(json, "time");
  CHECK(std::regex_match(time, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  absl::Time parsed;
  std::string error;
  REQUIRE(absl::ParseTime(absl::RFC3339_full, time, &parsed, &error));
  CHECK(parsed > before - absl::Milliseconds(1));  // truncated to milliseconds
  CHECK(parsed <= after);
}

TEST_CASE("FormatLine without fields and with the default service", "[log]") {
  ServiceNameGuard guard;
  SetServiceName("crm");
  const std::string line = FormatLine("warn", "", {});
  const google::protobuf::Struct json = ParseJson(line);
  CHECK(json.fields_size() == 4);
  CHECK(StringField(json, "level") == "warn");
  CHECK(StringField(json, "service") == "crm");
  CHECK(StringField(json, "msg").empty());
}

TEST_CASE("FormatLine escapes quotes, backslashes, newlines and control characters", "[log]") {
  ServiceNameGuard guard;
  SetServiceName("svc \"quoted\"");
  const std::string message = "say \"hi\"\\ then\nnew line\r\ttab \x01 bell\x07 esc\x1b end";
  const std::string key = "we\"ird\nkey";
  const std::string value = "C:\\path\\ \"v\"\n\x1f";
  const std::string line = FormatLine("error", message, {{key, value}});

  // One physical line, no raw control characters at all.
  for (char c : line) {
    INFO("byte " << static_cast<int>(static_cast<unsigned char>(c)));
    REQUIRE(static_cast<unsigned char>(c) >= 0x20);
  }
  CHECK(line.find(R"(say \"hi\"\\ then\nnew line\r\ttab \u0001 bell\u0007 esc\u001b end)") !=
        std::string::npos);
  CHECK(line.find(R"("we\"ird\nkey":"C:\\path\\ \"v\"\n\u001f")") != std::string::npos);

  // And a JSON parser reads back exactly what was logged.
  const google::protobuf::Struct json = ParseJson(line);
  CHECK(StringField(json, "msg") == message);
  CHECK(StringField(json, "service") == "svc \"quoted\"");
  CHECK(StringField(json, "level") == "error");
  CHECK(StringField(json, key) == value);
}

TEST_CASE("FormatLine passes UTF-8 through unchanged", "[log]") {
  const std::string message = "Grüße, 東京 ✓";
  const std::string line = FormatLine("info", message, {{"city", "Zürich"}});
  CHECK(line.find(message) != std::string::npos);
  const google::protobuf::Struct json = ParseJson(line);
  CHECK(StringField(json, "msg") == message);
  CHECK(StringField(json, "city") == "Zürich");
}

}  // namespace crm::log
