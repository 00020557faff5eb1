-- CreateIndex
CREATE INDEX "Commitment_workspaceId_channelId_idx" ON "Commitment"("workspaceId", "channelId");

-- CreateIndex
CREATE INDEX "Commitment_workspaceId_workstreamId_idx" ON "Commitment"("workspaceId", "workstreamId");

