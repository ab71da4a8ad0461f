// The gRPC face of segments and the target groups built from them.
#ifndef CRM_SERVICES_MARKETING_SEGMENT_SERVICE_H_
#define CRM_SERVICES_MARKETING_SEGMENT_SERVICE_H_

#include <memory>

#include "common/server/runtime.h"
#include "crm/marketing/v1/segment_service.grpc.pb.h"
#include "services/partners/client/partners_client.h"

namespace crm::marketing {

class SegmentService final : public v1::SegmentService::CallbackService {
 public:
  SegmentService(server::Runtime& runtime, std::shared_ptr<partners::PartnersClient> partners)
      : runtime_(runtime), partners_(std::move(partners)) {}

  grpc::ServerUnaryReactor* CreateSegment(grpc::CallbackServerContext* context,
                                          const v1::CreateSegmentRequest* request,
                                          v1::Segment* response) override;
  grpc::ServerUnaryReactor* GetSegment(grpc::CallbackServerContext* context,
                                       const v1::GetSegmentRequest* request,
                                       v1::Segment* response) override;
  grpc::ServerUnaryReactor* ListSegments(grpc::CallbackServerContext* context,
                                         const v1::ListSegmentsRequest* request,
                                         v1::ListSegmentsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSegment(grpc::CallbackServerContext* context,
                                          const v1::UpdateSegmentRequest* request,
                                          v1::Segment* response) override;
  grpc::ServerUnaryReactor* DeleteSegment(grpc::CallbackServerContext* context,
                                          const v1::DeleteSegmentRequest* request,
                                          google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* BuildTargetGroup(grpc::CallbackServerContext* context,
                                             const v1::BuildTargetGroupRequest* request,
                                             v1::TargetGroup* response) override;
  grpc::ServerUnaryReactor* GetTargetGroup(grpc::CallbackServerContext* context,
                                           const v1::GetTargetGroupRequest* request,
                                           v1::TargetGroup* response) override;
  grpc::ServerUnaryReactor* ListTargetGroups(grpc::CallbackServerContext* context,
                                             const v1::ListTargetGroupsRequest* request,
                                             v1::ListTargetGroupsResponse* response) override;
  grpc::ServerUnaryReactor* ListTargetGroupMembers(
      grpc::CallbackServerContext* context, const v1::ListTargetGroupMembersRequest* request,
      v1::ListTargetGroupMembersResponse* response) override;

 private:
  server::Runtime& runtime_;
  std::shared_ptr<partners::PartnersClient> partners_;
};

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_SEGMENT_SERVICE_H_
