-- When each agent last opened each conversation: the list's unread count is per agent.
CREATE TABLE conversation_reads (
    agent_id        INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    read_at         INTEGER NOT NULL,
    PRIMARY KEY (agent_id, conversation_id)
) WITHOUT ROWID;
