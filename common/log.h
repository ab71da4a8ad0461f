// JSON-lines logging to stderr: one object per line, machine readable.
// Callers pass ids, codes and timings; never personal data (names, e-mail
// addresses, phone numbers, bank details).
#ifndef CRM_COMMON_LOG_H_
#define CRM_COMMON_LOG_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace crm::log {

using Fields = std::vector<std::pair<absl::string_view, std::string>>;

enum class Level { kInfo = 0, kWarn = 1, kError = 2 };

// Lines below this level are dropped (default kInfo). Tests that run
// services in-process raise it to keep their output readable.
void SetMinimumLevel(Level level);

// Names the service in every line this process writes.
void SetServiceName(absl::string_view service);

void Info(absl::string_view message, const Fields& fields = {});
void Warn(absl::string_view message, const Fields& fields = {});
void Error(absl::string_view message, const Fields& fields = {});

// The JSON line for a message, without writing it (for tests).
std::string FormatLine(absl::string_view level, absl::string_view message, const Fields& fields);

}  // namespace crm::log

#endif  // CRM_COMMON_LOG_H_
