#include "common/server/resource_handlers.h"

namespace crm::server {

void ClearOutputOnlyFields(google::protobuf::Message* resource) {
  const google::protobuf::Descriptor* d = resource->GetDescriptor();
  for (const char* field : {"name", "create_time", "update_time", "etag"}) {
    if (const google::protobuf::FieldDescriptor* f = d->FindFieldByName(field)) {
      resource->GetReflection()->ClearField(resource, f);
    }
  }
}

api::FieldMaskRules WithOutputOnlyFields(api::FieldMaskRules rules) {
  rules.output_only.insert({"name", "create_time", "update_time", "etag"});
  return rules;
}

}  // namespace crm::server
