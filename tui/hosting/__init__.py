"""Demo hosting: throwaway demo sessions over SSH, under OpenSSH's ForceCommand, in a browser."""
