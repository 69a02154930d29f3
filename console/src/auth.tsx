import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react'
import { useQueryClient } from '@tanstack/react-query'
import { Navigate, useLocation, useNavigate } from 'react-router-dom'
import { callAdmin, loadSession, saveSession, setUnauthenticatedHandler, type Session } from './api'

interface AuthValue {
  session: Session | null
  /** Admins and operators change data (the server decides; this only hides buttons). */
  canWrite: boolean
  /** Admins manage accounts and rules. */
  isAdmin: boolean
  login(username: string, password: string): Promise<void>
  logout(): Promise<void>
  /** Forgets the session locally (after a password change ended it on the server). */
  forget(): void
}

const AuthContext = createContext<AuthValue | null>(null)

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => loadSession())
  const navigate = useNavigate()
  // What one session read is not shown to the next (another operator, another role's scope).
  const queryClient = useQueryClient()
  useEffect(() => {
    setUnauthenticatedHandler(() => {
      queryClient.clear()
      setSession(null)
      void navigate('/login', { replace: true })
    })
  }, [navigate, queryClient])
  const login = useCallback(
    async (username: string, password: string) => {
      const result = await callAdmin('login', { username, password })
      const next: Session = {
        token: result.token,
        username: result.username,
        displayName: result.displayName,
        role: result.role,
        storeIds: result.storeIds,
        expiresAt: result.expiresAt,
      }
      queryClient.clear()
      saveSession(next)
      setSession(next)
    },
    [queryClient],
  )
  const logout = useCallback(async () => {
    try {
      await callAdmin('logout', {})
    } finally {
      queryClient.clear()
      saveSession(null)
      setSession(null)
    }
  }, [queryClient])
  const forget = useCallback(() => {
    queryClient.clear()
    saveSession(null)
    setSession(null)
  }, [queryClient])
  const value = useMemo(
    () => ({
      session,
      canWrite: session?.role === 'admin' || session?.role === 'operator',
      isAdmin: session?.role === 'admin',
      login,
      logout,
      forget,
    }),
    [session, login, logout, forget],
  )
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext)
  if (!value) throw new Error('useAuth outside AuthProvider')
  return value
}

export function RequireSession({ children }: { children: ReactNode }) {
  const { session } = useAuth()
  const location = useLocation()
  if (!session)
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />
  return <>{children}</>
}
