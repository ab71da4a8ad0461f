#include "common/audit/field_diff.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <map>
#include <set>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/text_format.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace crm::audit {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

class Differ {
 public:
  Differ(const DiffOptions& options, std::vector<type::v1::FieldChange>* out)
      : options_(options), out_(out) {}

  // `path` addresses the message in the resource ("" for the resource);
  // `plain` is the same without list indices.
  void Compare(const Message& before, const Message& after, const std::string& path,
               const std::string& plain) {
    const Reflection* reflection = before.GetReflection();
    const auto* descriptor = before.GetDescriptor();
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* field = descriptor->field(i);
      if (path.empty() && options_.ignored.count(field->name())) continue;
      const std::string field_path = Join(path, field->name());
      const std::string field_plain = Join(plain, field->name());
      if (field->is_map()) {
        CompareMaps(before, after, field, field_path, field_plain);
      } else if (field->is_repeated()) {
        CompareLists(before, after, field, field_path, field_plain);
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        const bool had = reflection->HasField(before, field);
        const bool has = reflection->HasField(after, field);
        if (!had && !has) continue;
        Compare(reflection->GetMessage(before, field), reflection->GetMessage(after, field),
                field_path, field_plain);
      } else {
        const std::string old_text = reflection->HasField(before, field) ? Text(before, field, -1) : "";
        const std::string new_text = reflection->HasField(after, field) ? Text(after, field, -1) : "";
        if (old_text != new_text) Add(field_path, field_plain, old_text, new_text);
      }
    }
  }

 private:
  static std::string Join(const std::string& prefix, const std::string& name) {
    return prefix.empty() ? name : absl::StrCat(prefix, ".", name);
  }

  static std::string Text(const Message& message, const FieldDescriptor* field, int index) {
    std::string text;
    google::protobuf::TextFormat::PrintFieldValueToString(message, field, index, &text);
    return text;
  }

  static std::string ElementText(const Message& message, const FieldDescriptor* field, int index) {
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      return message.GetReflection()->GetRepeatedMessage(message, field, index).ShortDebugString();
    }
    return Text(message, field, index);
  }

  void CompareLists(const Message& before, const Message& after, const FieldDescriptor* field,
                    const std::string& path, const std::string& plain) {
    const Reflection* reflection = before.GetReflection();
    const int old_size = reflection->FieldSize(before, field);
    const int new_size = reflection->FieldSize(after, field);
    for (int i = 0; i < std::max(old_size, new_size); ++i) {
      const std::string element = absl::StrCat(path, "[", i, "]");
      if (i < old_size && i < new_size) {
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          Compare(reflection->GetRepeatedMessage(before, field, i),
                  reflection->GetRepeatedMessage(after, field, i), element, plain);
        } else if (Text(before, field, i) != Text(after, field, i)) {
          Add(element, plain, Text(before, field, i), Text(after, field, i));
        }
      } else if (i < old_size) {
        Add(element, plain, ElementText(before, field, i), "");
      } else {
        Add(element, plain, "", ElementText(after, field, i));
      }
    }
  }

  // Map entries are compared by key ("custom_fields.tier"), since their
  // order on the wire means nothing.
  void CompareMaps(const Message& before, const Message& after, const FieldDescriptor* field,
                   const std::string& path, const std::string& plain) {
    const FieldDescriptor* key_field = field->message_type()->map_key();
    const FieldDescriptor* value_field = field->message_type()->map_value();
    auto entries = [&](const Message& message) {
      std::map<std::string, const Message*> by_key;
      const Reflection* reflection = message.GetReflection();
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        const Message& entry = reflection->GetRepeatedMessage(message, field, i);
        std::string key = key_field->cpp_type() == FieldDescriptor::CPPTYPE_STRING
                              ? entry.GetReflection()->GetString(entry, key_field)
                              : Text(entry, key_field, -1);
        by_key[std::move(key)] = &entry;
      }
      return by_key;
    };
    const auto old_entries = entries(before);
    const auto new_entries = entries(after);
    std::set<std::string> keys;
    for (const auto& [key, entry] : old_entries) keys.insert(key);
    for (const auto& [key, entry] : new_entries) keys.insert(key);
    for (const std::string& key : keys) {
      const std::string element = Join(path, key);
      auto old_entry = old_entries.find(key);
      auto new_entry = new_entries.find(key);
      auto value_text = [&](const Message& entry) {
        return value_field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE
                   ? entry.GetReflection()->GetMessage(entry, value_field).ShortDebugString()
                   : Text(entry, value_field, -1);
      };
      if (old_entry == old_entries.end()) {
        Add(element, plain, "", value_text(*new_entry->second));
      } else if (new_entry == new_entries.end()) {
        Add(element, plain, value_text(*old_entry->second), "");
      } else if (value_field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        const Reflection* reflection = old_entry->second->GetReflection();
        Compare(reflection->GetMessage(*old_entry->second, value_field),
                reflection->GetMessage(*new_entry->second, value_field), element, plain);
      } else if (value_text(*old_entry->second) != value_text(*new_entry->second)) {
        Add(element, plain, value_text(*old_entry->second), value_text(*new_entry->second));
      }
    }
  }

  void Add(const std::string& path, const std::string& plain, const std::string& old_text,
           const std::string& new_text) {
    type::v1::FieldChange& change = *out_->emplace(out_->end());
    change.set_field(path);
    const bool personal = options_.is_personal && options_.is_personal(plain);
    change.set_hashed(personal);
    change.set_old_value(personal && !old_text.empty() ? HashValue(options_.hash_key, old_text)
                                                       : old_text);
    change.set_new_value(personal && !new_text.empty() ? HashValue(options_.hash_key, new_text)
                                                       : new_text);
  }

  const DiffOptions& options_;
  std::vector<type::v1::FieldChange>* out_;
};

}  // namespace

std::vector<type::v1::FieldChange> DiffMessages(const Message& before, const Message& after,
                                                const DiffOptions& options) {
  std::vector<type::v1::FieldChange> changes;
  Differ(options, &changes).Compare(before, after, "", "");
  return changes;
}

std::string HashValue(absl::string_view key, absl::string_view value) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(value.data()), value.size(), digest, &length);
  return absl::StrCat("hmac-sha256:",
                      absl::BytesToHexString(absl::string_view(
                          reinterpret_cast<const char*>(digest), std::min(length, 16u))));
}

}  // namespace crm::audit
