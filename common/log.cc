#include "absl/strings/string_view.h"
#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace crm::log {
namespace {

std::mutex& OutputMutex() {
  static std::mutex* mu = new std::mutex;
  return *mu;
}

std::string& ServiceName() {
  static std::string* name = new std::string("crm");
  return *name;
}

void AppendJsonString(std::string* out, absl::string_view text) {
  out->push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(out, "\\u%04x", c);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

std::atomic<int> minimum_level{0};

void Write(Level severity, absl::string_view level, absl::string_view message,
           const Fields& fields) {
  if (static_cast<int>(severity) < minimum_level.load(std::memory_order_relaxed)) return;
  std::string line = FormatLine(level, message, fields);
  line.push_back('\n');
  std::lock_guard<std::mutex> lock(OutputMutex());
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

void SetServiceName(absl::string_view service) { ServiceName() = std::string(service); }

std::string FormatLine(absl::string_view level, absl::string_view message, const Fields& fields) {
  std::string line = "{\"time\":";
  AppendJsonString(&line, absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()));
  line.append(",\"level\":");
  AppendJsonString(&line, level);
  line.append(",\"service\":");
  AppendJsonString(&line, ServiceName());
  line.append(",\"msg\":");
  AppendJsonString(&line, message);
  for (const auto& [key, value] : fields) {
    line.push_back(',');
    AppendJsonString(&line, key);
    line.push_back(':');
    AppendJsonString(&line, value);
  }
  line.push_back('}');
  return line;
}

void SetMinimumLevel(Level level) { minimum_level.store(static_cast<int>(level)); }

void Info(absl::string_view message, const Fields& fields) {
  Write(Level::kInfo, "info", message, fields);
}
void Warn(absl::string_view message, const Fields& fields) {
  Write(Level::kWarn, "warn", message, fields);
}
void Error(absl::string_view message, const Fields& fields) {
  Write(Level::kError, "error", message, fields);
}

}  // namespace crm::log
