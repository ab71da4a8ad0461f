#include "common/validation/field_checks.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/validation/formats.h"

namespace crm::validation {

std::string Child(std::string_view parent, std::string_view field) {
  std::string path(parent);
  if (!path.empty()) path += '.';
  path += field;
  return path;
}

std::string Element(std::string_view list, int index) {
  return absl::StrCat(absl::string_view(list.data(), list.size()), "[", index, "]");
}

bool CheckText(absl::string_view text, size_t max_chars, const std::string& field,
               Violations* out) {
  const TextCheck check = validation::CheckText(text);
  switch (check.problem) {
    case TextProblem::kNone:
      break;
    case TextProblem::kInvalidUtf8:
      out->Add(field, "must be valid UTF-8");
      return false;
    case TextProblem::kControlCharacters:
      out->Add(field, "contains control characters");
      return false;
  }
  if (check.length > max_chars) {
    out->Add(field, absl::StrCat("must be at most ", max_chars, " characters"));
    return false;
  }
  return true;
}

bool CheckRequiredText(absl::string_view text, size_t max_chars, const std::string& field,
                       Violations* out) {
  if (absl::StripAsciiWhitespace(text).empty()) {
    out->Add(field, text.empty() ? "is required" : "is required; it holds only spaces");
    return false;
  }
  return CheckText(text, max_chars, field, out);
}

bool CheckEnum(int value, bool (*is_valid)(int), const std::string& field, Violations* out) {
  if (is_valid(value)) return true;
  out->Add(field, absl::StrCat("unknown value ", value));
  return false;
}

bool CheckRequiredEnum(int value, bool (*is_valid)(int), const std::string& field,
                       Violations* out) {
  if (!CheckEnum(value, is_valid, field, out)) return false;
  if (value != 0) return true;
  out->Add(field, "is required");
  return false;
}

bool CheckMaxEntries(int size, int max_entries, const std::string& field, Violations* out) {
  if (size <= max_entries) return true;
  out->Add(field, absl::StrCat("must have at most ", max_entries, " entries"));
  return false;
}

}  // namespace crm::validation
