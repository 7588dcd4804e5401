-- Agent workspaces name conversations by ids of their own (LivePerson's conversation id,
-- a custom workspace's): the widget resolves the focused one to ours. One id per
-- conversation and workspace, unique within an account and workspace.

-- Lets the mapping below reference a conversation together with its account, so a
-- mapping can never point into another account.
CREATE UNIQUE INDEX conversations_id_account ON conversations (id, account_id);

CREATE TABLE workspace_conversations (
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    workspace       TEXT NOT NULL CHECK (workspace IN ('liveperson', 'custom')),
    workspace_id    TEXT NOT NULL CHECK (length(workspace_id) BETWEEN 1 AND 200),
    conversation_id INTEGER NOT NULL,
    PRIMARY KEY (account_id, workspace, workspace_id),
    UNIQUE (conversation_id, workspace),
    FOREIGN KEY (conversation_id, account_id)
        REFERENCES conversations (id, account_id) ON DELETE CASCADE
) WITHOUT ROWID;
