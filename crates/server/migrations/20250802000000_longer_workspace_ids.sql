-- Workspace ids up to 512 characters, what the widget's postMessage protocol carries
-- (`PUT /api/conversations/{id}/workspace-ids/{workspace}` records them). SQLite cannot
-- change a CHECK in place: the table is rebuilt with the same rows. Nothing references it.
CREATE TABLE workspace_conversations_512 (
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    workspace       TEXT NOT NULL CHECK (workspace IN ('liveperson', 'custom')),
    workspace_id    TEXT NOT NULL CHECK (length(workspace_id) BETWEEN 1 AND 512),
    conversation_id INTEGER NOT NULL,
    PRIMARY KEY (account_id, workspace, workspace_id),
    UNIQUE (conversation_id, workspace),
    FOREIGN KEY (conversation_id, account_id)
        REFERENCES conversations (id, account_id) ON DELETE CASCADE
) WITHOUT ROWID;

INSERT INTO workspace_conversations_512 (account_id, workspace, workspace_id, conversation_id)
SELECT account_id, workspace, workspace_id, conversation_id FROM workspace_conversations;

DROP TABLE workspace_conversations;
ALTER TABLE workspace_conversations_512 RENAME TO workspace_conversations;
