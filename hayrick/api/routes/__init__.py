"""The endpoints, one router per family (search, documents, feedback, file upload, health)."""
