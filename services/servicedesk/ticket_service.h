// The gRPC face of tickets: workflow, service levels, escalation, notes
// and history.
#ifndef CRM_SERVICES_SERVICEDESK_TICKET_SERVICE_H_
#define CRM_SERVICES_SERVICEDESK_TICKET_SERVICE_H_

#include <memory>

#include "common/server/runtime.h"
#include "common/server/timed_task.h"
#include "crm/servicedesk/v1/ticket_service.grpc.pb.h"
#include "services/partners/client/partners_client.h"

namespace crm::servicedesk {

class TicketService final : public v1::TicketService::CallbackService {
 public:
  // Writes that change due times notify `sla_signal` (the SLA monitor).
  TicketService(server::Runtime& runtime, std::shared_ptr<partners::PartnersClient> partners,
                std::shared_ptr<server::WakeSignal> sla_signal)
      : runtime_(runtime), partners_(std::move(partners)), sla_signal_(std::move(sla_signal)) {}

  grpc::ServerUnaryReactor* CreateTicket(grpc::CallbackServerContext* context,
                                         const v1::CreateTicketRequest* request,
                                         v1::Ticket* response) override;
  grpc::ServerUnaryReactor* GetTicket(grpc::CallbackServerContext* context,
                                      const v1::GetTicketRequest* request,
                                      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ListTickets(grpc::CallbackServerContext* context,
                                        const v1::ListTicketsRequest* request,
                                        v1::ListTicketsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateTicket(grpc::CallbackServerContext* context,
                                         const v1::UpdateTicketRequest* request,
                                         v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ChangeTicketStatus(grpc::CallbackServerContext* context,
                                               const v1::ChangeTicketStatusRequest* request,
                                               v1::Ticket* response) override;
  grpc::ServerUnaryReactor* CreateTicketNote(grpc::CallbackServerContext* context,
                                             const v1::CreateTicketNoteRequest* request,
                                             v1::TicketNote* response) override;
  grpc::ServerUnaryReactor* ListTicketNotes(grpc::CallbackServerContext* context,
                                            const v1::ListTicketNotesRequest* request,
                                            v1::ListTicketNotesResponse* response) override;
  grpc::ServerUnaryReactor* ListTicketEvents(grpc::CallbackServerContext* context,
                                             const v1::ListTicketEventsRequest* request,
                                             v1::ListTicketEventsResponse* response) override;
  grpc::ServerUnaryReactor* EscalateTicket(grpc::CallbackServerContext* context,
                                           const v1::EscalateTicketRequest* request,
                                           v1::Ticket* response) override;

 private:
  server::Runtime& runtime_;
  std::shared_ptr<partners::PartnersClient> partners_;
  std::shared_ptr<server::WakeSignal> sla_signal_;
};

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_TICKET_SERVICE_H_
