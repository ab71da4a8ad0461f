#include "common/api/field_mask.h"

#include <memory>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/errors.h"

namespace crm::api {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool CoveredBy(const std::string& path, const std::set<std::string>& set) {
  for (const std::string& p : set) {
    if (path == p || path.rfind(p + ".", 0) == 0) return true;
  }
  return false;
}

// Replaces the field at `path` of `target` with the one of `patch`. Works
// on its own copy of the patch, so repeated or overlapping paths agree.
absl::Status CopyPath(const std::string& path, const Message& original_patch, Message* target) {
  std::unique_ptr<Message> scratch(original_patch.New());
  scratch->CopyFrom(original_patch);
  Message* patch = scratch.get();
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* field = target->GetDescriptor()->FindFieldByName(parts[i]);
    if (field == nullptr) {
      return InvalidField("update_mask", absl::StrCat("unknown field path \"", path, "\""));
    }
    if (i + 1 == parts.size()) {
      // SwapFields moves a whole oneof: naming one member the patch lacks
      // must clear that member, not bring in the patch's other one.
      if (field->containing_oneof() != nullptr && !field->is_repeated() &&
          !patch->GetReflection()->HasField(*patch, field)) {
        target->GetReflection()->ClearField(target, field);
      } else {
        target->GetReflection()->SwapFields(patch, target, {field});
      }
      return absl::OkStatus();
    }
    if (field->is_repeated() || field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      return InvalidField("update_mask",
                          absl::StrCat("\"", path, "\" goes into a field that is not a message"));
    }
    patch = patch->GetReflection()->MutableMessage(patch, field);
    target = target->GetReflection()->MutableMessage(target, field);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyFieldMask(const google::protobuf::FieldMask& mask, const Message& patch,
                            Message* target, const FieldMaskRules& rules) {
  if (mask.paths_size() == 0) {
    return InvalidField("update_mask", "is required: name the fields to change, or \"*\"");
  }
  // Changes go to a copy that replaces the target only if every path is good.
  std::unique_ptr<Message> result(target->New());
  result->CopyFrom(*target);
  if (mask.paths_size() == 1 && mask.paths(0) == "*") {
    // One SwapFields call: it swaps each oneof once, however many of its
    // members are listed.
    std::unique_ptr<Message> scratch(patch.New());
    scratch->CopyFrom(patch);
    const auto* descriptor = result->GetDescriptor();
    std::vector<const FieldDescriptor*> fields;
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* field = descriptor->field(i);
      if (rules.output_only.count(field->name()) || rules.immutable.count(field->name())) continue;
      fields.push_back(field);
    }
    result->GetReflection()->SwapFields(scratch.get(), result.get(), fields);
  } else {
    for (const std::string& path : mask.paths()) {
      if (path == "*") {
        return InvalidField("update_mask", "\"*\" must be the only path");
      }
      if (CoveredBy(path, rules.immutable)) {
        return InvalidField("update_mask", absl::StrCat("\"", path, "\" cannot be changed"));
      }
      if (CoveredBy(path, rules.output_only)) {
        return InvalidField("update_mask", absl::StrCat("\"", path, "\" is output only"));
      }
      if (absl::Status s = CopyPath(path, patch, result.get()); !s.ok()) return s;
    }
  }
  target->GetReflection()->Swap(target, result.get());
  return absl::OkStatus();
}

}  // namespace crm::api
