-- CreateIndex
CREATE INDEX "OutboxMessage_sentChannel_sentTs_idx" ON "OutboxMessage"("sentChannel", "sentTs");

